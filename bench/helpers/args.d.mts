export function option(name: string, dflt: string): string;
export function option(name: string, dflt?: undefined): string | undefined;
