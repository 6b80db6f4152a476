#!/bin/sh
# Init container of the mock-vpc-cni DaemonSet: installs the plugin binary and the conflist on the
# node. Both are written to a temp name and renamed, because containerd watches the conf dir and
# execs plugins at any time: it must never see a half-written file.
set -eu
SRC_BIN="${SRC_BIN:-/app/dist/bin/mock-vpc-cni}"
SRC_CONFLIST="${SRC_CONFLIST:-/etc/mock-vpc-cni/10-mock-vpc-cni.conflist}"
CNI_BIN_DIR="${CNI_BIN_DIR:-/host/opt/cni/bin}"
CNI_CONF_DIR="${CNI_CONF_DIR:-/host/etc/cni/net.d}"

mkdir -p "$CNI_BIN_DIR" "$CNI_CONF_DIR"
cp "$SRC_BIN" "$CNI_BIN_DIR/.mock-vpc-cni.tmp"
chmod 0755 "$CNI_BIN_DIR/.mock-vpc-cni.tmp"
mv -f "$CNI_BIN_DIR/.mock-vpc-cni.tmp" "$CNI_BIN_DIR/mock-vpc-cni"
# libcni (ConfFiles) loads only .conf, .conflist and .json files: the .tmp file is never loaded.
cp "$SRC_CONFLIST" "$CNI_CONF_DIR/.10-mock-vpc-cni.conflist.tmp"
mv -f "$CNI_CONF_DIR/.10-mock-vpc-cni.conflist.tmp" "$CNI_CONF_DIR/10-mock-vpc-cni.conflist"
echo "install-cni: installed $CNI_BIN_DIR/mock-vpc-cni and $CNI_CONF_DIR/10-mock-vpc-cni.conflist"
