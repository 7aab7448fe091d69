#!/usr/bin/env bash
# Sets up a CUPS queue named PDF (cups-pdf backend) for the printer tests.
# Idempotent: installs only what is missing, starts cupsd only when it is not
# running (no systemd in CI), adds the queue only when it is missing.
set -euo pipefail

QUEUE="${CUPS_TEST_QUEUE:-PDF}"

if ! dpkg -s cups printer-driver-cups-pdf >/dev/null 2>&1; then
    echo "cups-setup: installing cups printer-driver-cups-pdf"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cups printer-driver-cups-pdf >/dev/null
fi

if ! lpstat -r 2>/dev/null | grep -q "scheduler is running"; then
    echo "cups-setup: starting cupsd"
    mkdir -p /run/cups
    /usr/sbin/cupsd
    for _ in $(seq 1 60); do
        lpstat -r 2>/dev/null | grep -q "scheduler is running" && break
        sleep 0.5
    done
    lpstat -r | grep -q "scheduler is running" || { echo "cups-setup: cupsd did not start" >&2; exit 1; }
fi

if ! lpstat -p "$QUEUE" >/dev/null 2>&1; then
    model="$(lpinfo -m 2>/dev/null | grep -i 'cups-pdf' | head -n 1 | cut -d' ' -f1 || true)"
    model="${model:-lsb/usr/cups-pdf/CUPS-PDF_opt.ppd}"
    echo "cups-setup: adding queue $QUEUE (cups-pdf:/, model $model)"
    lpadmin -p "$QUEUE" -v cups-pdf:/ -E -m "$model"
fi

cupsenable "$QUEUE"
cupsaccept "$QUEUE"
lpstat -p "$QUEUE" -a "$QUEUE"
