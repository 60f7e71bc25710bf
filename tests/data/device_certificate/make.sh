#!/bin/sh
# Regenerates the device-certificate test data of
# tests/unit/crypto/tls/device_certificate_test.cc with the openssl CLI
# (OpenSSL 3.0). Run once, from this folder: sh make.sh. The keys are test
# material only. Made on 2026-11-27, valid for ten years; the tests verify
# them at a fixed time (2027-06-01) inside that window.
set -eu
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
P256="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
DATES="-days 3650"
cat > "$T/ext.cnf" <<'CNF'
[ca]
basicConstraints = critical,CA:TRUE,pathlen:1
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[device]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
[server_only]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
[no_eku]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
[no_ku]
basicConstraints = critical,CA:FALSE
extendedKeyUsage = clientAuth
[enc_only]
basicConstraints = critical,CA:FALSE
keyUsage = critical,keyAgreement
extendedKeyUsage = clientAuth
[intermediate]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
CNF
# The organisation CA (kept: ca_key.pem signs the leaves below).
openssl req -x509 $P256 -keyout ca_key.pem -out ca.pem -subj /CN=Test-Org-CA \
  -days 3660 -set_serial 1 \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:1" \
  -addext "keyUsage=critical,keyCertSign,cRLSign"
leaf() {  # leaf NAME SUBJECT EXTSECTION [KEYOPTS] [ISSUER_CERT ISSUER_KEY]
  name=$1 subj=$2 ext=$3 keyopts=${4:-$P256} icert=${5:-ca.pem} ikey=${6:-ca_key.pem}
  openssl req -new $keyopts -keyout "$T/$name.key" -out "$T/$name.csr" -subj "$subj"
  openssl x509 -req -in "$T/$name.csr" -CA "$icert" -CAkey "$ikey" -set_serial 0x$(openssl rand -hex 8) \
    $DATES -extfile "$T/ext.cnf" -extensions "$ext" -out "$name.pem"
}
leaf device_ok /CN=alice device
leaf server_auth_only /CN=alice server_only
leaf no_eku /CN=alice no_eku
leaf no_key_usage /CN=alice no_ku
leaf key_agreement_only /CN=alice enc_only
leaf two_common_names "/CN=alice/CN=bob" device
leaf no_common_name "/O=Org" device
leaf p384_key /CN=alice device "-newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes"
leaf intermediate /CN=Test-Intermediate intermediate
cp "$T/intermediate.key" "$T/intermediate_key.pem"
leaf via_intermediate /CN=alice device "$P256" intermediate.pem "$T/intermediate_key.pem"
# Certificate requests with keys the issuer must refuse.
openssl req -new -newkey ed25519 -nodes -keyout /dev/null -subj /CN=alice -out csr_ed25519.pem
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout /dev/null \
  -subj /CN=alice -out csr_p384.pem
openssl req -new -newkey rsa:2048 -nodes -keyout /dev/null -subj /CN=alice -out csr_rsa.pem
