// The verbs wired to real dependencies for the mock-vpc-cni process (placeholder until the verbs land).
import { CniCode, CniError } from "../cni/errors.js";
import type { VerbTable } from "../cni/skel.js";

const notYet = async (): Promise<never> => {
  throw new CniError(CniCode.Generic, "not implemented yet");
};

export const processVerbs: VerbTable = { add: notYet, del: notYet, check: notYet, gc: notYet, status: notYet };
