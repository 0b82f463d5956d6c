#!/usr/bin/env bash
# Smoke test of the real counter app in a real terminal: a fresh demo register, `pharmacy tui` in a tmux
# session of 130x40, sign in, dispense against the first open prescription with a second person's check,
# then `pharmacy verify`. Exits 0 when the screen says "Recorded as No." and the register verifies;
# otherwise non-zero, printing the step that failed and the captured screen.
#
#   scripts/smoke_tmux.sh            (from anywhere; uses the repository's .venv)
#   SMOKE_KEEP=1 scripts/smoke_tmux.sh   keep the temporary directory for a look afterwards
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PHARMACY="${PHARMACY_BIN:-$ROOT/.venv/bin/pharmacy}"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/pharmacy-smoke.XXXXXX")"
DB="$TMP/demo.sqlite"
SESSION="pharmacy-smoke-$$"
STEP_TIMEOUT="${SMOKE_TIMEOUT:-30}"   # seconds to wait for each screen
KEY_PAUSE="${SMOKE_KEY_PAUSE:-0.05}"  # seconds between keys

cleanup() {
    tmux kill-session -t "$SESSION" 2>/dev/null || true
    if [[ -z "${SMOKE_KEEP:-}" ]]; then rm -rf "$TMP"; else echo "kept $TMP" >&2; fi
}
trap cleanup EXIT

screen() { tmux capture-pane -p -t "$SESSION" 2>/dev/null || true; }

fail() {
    echo "smoke: FAILED: $*" >&2
    echo "----- screen -----" >&2
    screen >&2
    echo "------------------" >&2
    exit 1
}

# wait_for TEXT [DESCRIPTION]: poll the pane until TEXT is on it.
wait_for() {
    local text="$1" what="${2:-$1}" deadline=$((SECONDS + STEP_TIMEOUT))
    while ((SECONDS < deadline)); do
        if ! tmux has-session -t "$SESSION" 2>/dev/null; then fail "the app exited while waiting for: $what"; fi
        if screen | grep -qF -- "$text"; then return 0; fi
        sleep 0.1
    done
    fail "timed out after ${STEP_TIMEOUT}s waiting for: $what"
}

# wait_gone TEXT [DESCRIPTION]: poll the pane until TEXT is no longer on it.
wait_gone() {
    local text="$1" what="${2:-$1 to go}" deadline=$((SECONDS + STEP_TIMEOUT))
    while ((SECONDS < deadline)); do
        if ! screen | grep -qF -- "$text"; then return 0; fi
        sleep 0.1
    done
    fail "timed out after ${STEP_TIMEOUT}s waiting for: $what"
}

key() { tmux send-keys -t "$SESSION" "$@"; sleep "$KEY_PAUSE"; }

# type_text TEXT: one character at a time (literally), as a person at the counter would.
type_text() {
    local text="$1" i
    for ((i = 0; i < ${#text}; i++)); do key -l "${text:i:1}"; done
}

command -v tmux >/dev/null || { echo "smoke: tmux is not installed" >&2; exit 2; }
[[ -x "$PHARMACY" ]] || { echo "smoke: $PHARMACY not found (create the .venv first)" >&2; exit 2; }

# 1. A fresh demo register; take the people and PINs from what the demo prints.
"$PHARMACY" demo --no-open --db "$DB" >"$TMP/demo.txt" 2>"$TMP/demo.err" || {
    cat "$TMP/demo.txt" "$TMP/demo.err" >&2
    echo "smoke: FAILED: pharmacy demo" >&2
    exit 1
}
pin_of() { awk -v u="$1" '$1 == u { print $NF; exit }' "$TMP/demo.txt"; }
USER_NAME=li.na
CHECKER=wang.fang
USER_PIN="$(pin_of "$USER_NAME")"
CHECKER_PIN="$(pin_of "$CHECKER")"
[[ -n "$USER_PIN" && -n "$CHECKER_PIN" ]] || { cat "$TMP/demo.txt" >&2; echo "smoke: FAILED: no PINs for $USER_NAME/$CHECKER" >&2; exit 1; }

# 2. The real app in a real terminal of 130x40 (Textual draws on stderr: do not redirect it). COLUMNS and LINES
#    inherited from the caller (a test runner sets them) would make Textual draw at that size instead.
tmux new-session -d -s "$SESSION" -x 130 -y 40 \
    "cd '$ROOT' && env -u COLUMNS -u LINES PHARMACY_LANG=en TERM=xterm-256color '$PHARMACY' tui --db '$DB'; \
     echo \"[exited \$?]\"; sleep 600"
wait_for "Controlled-medicine register" "the sign-in screen"

TRACE_CODE="8$(date +%s%N | tail -c 20)"  # 20 digits starting with 8, new each run
TRACE_CODE="${TRACE_CODE:0:20}"

# 3. Sign in.
type_text "$USER_NAME"
key Enter
type_text "$USER_PIN"
key Enter
wait_gone "Controlled-medicine register" "sign-in to finish"

# 4. Dispense: the first open prescription, the suggested batch, the prescribed quantity, a second person.
key F4
wait_for "Dispense against a prescription" "the dispense screen"
wait_for "Owing" "the open prescriptions"
sleep 0.5  # the list is loaded by a worker; give it a moment to fill after the header is drawn
key Enter
wait_gone "No prescription chosen yet" "the prescription to be chosen"
type_text "$TRACE_CODE"   # the pack's 20-digit trace code: every pack is scanned (CN-TR-1)
key Enter
sleep 0.3
key Enter          # the scan field, empty: on to the quantity (the suggested batch)
sleep 0.3
key Enter          # the quantity: record
wait_for "$CHECKER" "the second-person check"
key Enter          # the first checker
sleep 0.3
type_text "$CHECKER_PIN"
key Enter
wait_for "Recorded as No." "the entry to be recorded"
echo "smoke: $(screen | grep -oE 'Recorded as No\. ?[0-9]+' | head -1)"

# 5. Leave the app and prove the register.
key C-q
sleep 0.5
if ! "$PHARMACY" verify --db "$DB" >"$TMP/verify.txt" 2>&1; then
    cat "$TMP/verify.txt" >&2
    fail "pharmacy verify"
fi
cat "$TMP/verify.txt"
echo "smoke: ok"
