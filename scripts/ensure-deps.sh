#!/usr/bin/env bash
# Installs the Debian packages the integration tests and benchmarks use, when missing and root.
# Without root it only reports what is missing: those tests then skip, saying why.
set -euo pipefail
# chromium + fonts-dejavu-core: the timeline page is checked in a real browser (test/harness/timeline).
pkgs=(iproute2 iptables util-linux containernetworking-plugins containerd runc golang-go
      golang-github-appc-cni-dev golang-github-containerd-go-cni-dev busybox-static time iputils-ping
      chromium fonts-dejavu-core)
# kubectl (the API server tests' third-party client): the machine's own when there is one (1.32 on
# this project's machines), else Debian's kubernetes-client.
command -v kubectl >/dev/null 2>&1 || pkgs+=(kubernetes-client)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-deps: not root; missing Debian packages: ${missing[*]} (integration tests that need them will skip)" >&2
  exit 0
fi
echo "ensure-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
