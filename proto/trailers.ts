// Trailing metadata mock-ipamd may add to a Success=false AddNetwork reply: why it refused, in
// words (the real ipamd sends nothing; its reply has no reason field). The daemon writes these keys
// and the plugin reads them, so they live here, beside the wire types both sides share.

export const FAILURE_REASON_KEY = "harness-add-failure-reason";
export const FAILURE_DETAILS_KEY = "harness-add-failure-details";
