#!/usr/bin/env bash
# Kiosk benchmarks: cold start, memory vs chromium --kiosk, binary size.
# Needs: a release build (CARGO_TARGET_DIR=target-app cargo build --release -p motcua-kiosk -p motcua-central),
# tauri-driver on PATH, apt packages xvfb xauth webkit2gtk-driver chromium chromium-driver.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec xvfb-run -a -s "-screen 0 1280x1024x24" python3 src-tauri/bench/measure.py "$@"
