#!/usr/bin/env bash
# Regenerates the default voice clip set (clips/*.ogg) from clips.tsv.
#
#   bash crates/central/voice/generate.sh            # all clips
#   bash crates/central/voice/generate.sh vi-so-5    # only the named clips
#
# Vietnamese: espeak-ng's Northern Vietnamese voice ("vi"); English: flite's
# "slt" voice; the chime: two decaying tones made by sox. Every clip is made
# mono at 24 kHz, trimmed of leading and trailing silence, brought to one
# loudness (RMS -20 dBFS, peaks at most -1 dBFS), faded in and out over a few
# milliseconds (no clicks at the joins) and encoded as Ogg/Opus at 24 kbit/s.
# docs/voice.md says why these voices and how to record a real one instead.
#
# Needs Debian's espeak-ng, flite, sox and opus-tools (installed when missing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/clips"
rate=24000
target_rms_db=-20
chime_rms_db=-23
peak_ceiling_db=-1

need=()
for pair in espeak-ng:espeak-ng flite:flite sox:sox opusenc:opus-tools; do
    command -v "${pair%%:*}" >/dev/null || need+=("${pair##*:}")
done
if ((${#need[@]})); then
    echo "installing ${need[*]}" >&2
    apt-get install -y --no-install-recommends "${need[@]}" >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# -R: sox seeds its dither with a fixed number, so the same input gives the same clip.
sox() { command sox -R "$@"; }

# Prints "RMS_dB PEAK_dB" of a WAV file, from sox's own statistics.
levels() {
    sox "$1" -n stats 2>&1 | awk '/^RMS lev dB/ {r = $4} /^Pk lev dB/ {p = $4} END {print r, p}'
}

# Silence trimmed at both ends (below -50 dBFS: low enough to keep a quiet
# final consonant such as the "f" of "F"), then mono, 24 kHz, no rumble; kept
# as float with 6 dB of headroom so no step clips before the final level.
shape() {
    sox "$1" -c 1 -e floating-point -b 32 "$2" \
        silence 1 0.005 -50d reverse silence 1 0.005 -50d reverse \
        gain -6 highpass 60 rate -v "$rate"
}

# Gain to the target RMS, limited so the peak stays under the ceiling, then
# 5 ms fade-in and 15 ms fade-out so a clip starts and ends at zero.
level_and_fade() {
    local in="$1" out="$2" target="$3" rms peak gain
    read -r rms peak < <(levels "$in")
    gain="$(awk -v t="$target" -v r="$rms" -v p="$peak" -v c="$peak_ceiling_db" \
        'BEGIN { g = t - r; if (p + g > c) g = c - p; printf "%.2f", g }')"
    sox "$in" -b 16 "$out" gain "$gain" fade q 0.005 -0 0.015
}

make_chime() {
    # A soft "ding-dong": E5 then C5 (a falling major third), each a sine with a
    # quiet octave partial, struck and decaying; the second starts as the first
    # fades, as lobby chimes do.
    sox -n -r "$rate" -c 1 "$work/ding.wav" synth 1.1 sine 659.25 sine 1318.5 \
        remix 1v0.85,2v0.15 fade q 0.004 1.1 1.05
    sox -n -r "$rate" -c 1 "$work/dong.wav" synth 1.5 sine 523.25 sine 1046.5 \
        remix 1v0.85,2v0.15 fade q 0.004 1.5 1.45 pad 0.55
    sox -m "$work/ding.wav" "$work/dong.wav" "$1" norm -6
}

synth() {
    local engine="$1" text="$2" wav="$3"
    case "$engine" in
        # -s 135: slower than espeak's default, as announcements are spoken.
        vi) espeak-ng -v vi -s 135 -w "$wav" "$text" ;;
        en) flite -voice slt -t "$text" -o "$wav" ;;
        chime) make_chime "$wav" ;;
        *) echo "unknown synthesiser $engine" >&2; return 1 ;;
    esac
}

wanted=("$@")
is_wanted() {
    ((${#wanted[@]} == 0)) && return 0
    local w
    for w in "${wanted[@]}"; do [[ "$w" == "$1" ]] && return 0; done
    return 1
}

while IFS=$'\t' read -r name engine text; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    is_wanted "$name" || continue
    synth "$engine" "$text" "$work/raw.wav"
    if [[ "$engine" == chime ]]; then
        cp "$work/raw.wav" "$work/shaped.wav"
        level_and_fade "$work/shaped.wav" "$work/final.wav" "$chime_rms_db"
    else
        shape "$work/raw.wav" "$work/shaped.wav"
        level_and_fade "$work/shaped.wav" "$work/final.wav" "$target_rms_db"
    fi
    # --serial: the same input gives the same file; --padding 0: no room kept for tags.
    opusenc --quiet --bitrate 24 --comp 10 --serial 1 --padding 0 \
        --comment "TITLE=$text" "$work/final.wav" "$out/$name.ogg"
    printf '%-26s %6s bytes  %s\n' "$name.ogg" "$(stat -c %s "$out/$name.ogg")" "$text"
done <"$here/clips.tsv"

echo "total: $(du -cb "$out"/*.ogg | tail -1 | cut -f1) bytes in $(ls "$out"/*.ogg | wc -l) clips"
