// Reading the fake EC2's calls from mock-ipamd's Prometheus text, and EC2 calls named in log lines.

import { describe, expect, it } from "vitest";
import { ec2CallOf, parseEc2Metrics } from "../../../harness/demo/watch.js";

const METRICS = `# HELP awscni_aws_api_latency_ms AWS API call latency in ms (fake EC2)
# TYPE awscni_aws_api_latency_ms summary
awscni_aws_api_latency_ms{quantile="0.5",api="CreateNetworkInterface",error="false"} 51
awscni_aws_api_latency_ms_sum{api="CreateNetworkInterface",error="false"} 120
awscni_aws_api_latency_ms_count{api="CreateNetworkInterface",error="false"} 2
awscni_aws_api_latency_ms_sum{api="CreateNetworkInterface",error="true"} 10
awscni_aws_api_latency_ms_count{api="CreateNetworkInterface",error="true"} 1
awscni_aws_api_latency_ms_sum{api="AssociateTrunkInterface",error="false"} 55.5
awscni_aws_api_latency_ms_count{api="AssociateTrunkInterface",error="false"} 1
awscni_add_ip_req_count 3
`;

describe("EC2 calls from metrics", () => {
  it("sums count and latency per API across the error label, counting errors apart", () => {
    const m = parseEc2Metrics(METRICS);
    expect(Object.fromEntries(m)).toEqual({
      CreateNetworkInterface: { count: 3, sumMs: 130, errors: 1 },
      AssociateTrunkInterface: { count: 1, sumMs: 55.5, errors: 0 },
    });
    expect(parseEc2Metrics("awscni_add_ip_req_count 3\n").size).toBe(0);
  });
  it("finds an EC2 call named in a daemon log line", () => {
    expect(ec2CallOf({ msg: "EC2 call", call: "CreateNetworkInterfacePermission", eniId: "eni-1" })).toEqual({ call: "CreateNetworkInterfacePermission", detail: "eniId=eni-1" });
    expect(ec2CallOf({ msg: "AssociateTrunkInterface done", vlanId: 3 })).toEqual({ call: "AssociateTrunkInterface", detail: "vlanId=3" });
    expect(ec2CallOf({ msg: "ready" })).toBeUndefined();
  });
});
