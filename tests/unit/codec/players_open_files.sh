#!/usr/bin/env bash
# players_open_files.sh <codec_sample_files> <scratch dir>: writes an Ogg
# Opus and an IVF file with conclave_codec and checks them with tools that
# share no code with ours: opusinfo/opusdec (opus-tools) and vpxdec
# (vpx-tools), test-only dependencies (docs/dependencies.md).
set -euo pipefail
writer=$1
dir=$2
rm -rf "$dir"
mkdir -p "$dir"
"$writer" "$dir"

for tool in opusinfo opusdec vpxdec; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool missing; run scripts/install-deps.sh"; exit 1; }
done

# opusinfo validates the Ogg framing, CRCs, headers and granule positions
# and exits non-zero on a broken stream; it prints warnings for a doubtful one.
info=$(opusinfo "$dir/tone.opus" 2>&1)
echo "$info"
if grep -qi "warning\|error" <<<"$info"; then
  echo "FAIL: opusinfo reported a problem"
  exit 1
fi
grep -q "Playback length: 0m:01.000s" <<<"$info" || { echo "FAIL: duration is not 1.000 s"; exit 1; }
grep -q "Pre-skip: " <<<"$info" || { echo "FAIL: no pre-skip"; exit 1; }

# opusdec decodes to exactly 48000 samples of 16-bit mono: pre-skip and end
# trimming were honoured.
opusdec --quiet --rate 48000 "$dir/tone.opus" "$dir/tone.wav"
size=$(stat -c %s "$dir/tone.wav")
data=$((size - 44))
[[ $data -eq 96000 ]] || { echo "FAIL: opusdec gave $data bytes of PCM, want 96000"; exit 1; }

# vpxdec decodes every frame of the IVF file.
summary=$(vpxdec --i420 --summary -o /dev/null "$dir/pattern.ivf" 2>&1)
echo "$summary"
grep -q "^30 decoded frames" <<<"$summary" || { echo "FAIL: vpxdec did not decode 30 frames"; exit 1; }
echo "OK: opusinfo, opusdec and vpxdec read the files"
