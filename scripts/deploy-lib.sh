# Shared helpers of the deploy scripts (deploy-fly, set-secrets, deploy-vercel, rollback, set-telegram-webhook):
# option parsing for --dry-run, a plan that is printed before anything runs, checks that refuse to start
# half-configured, and a runner that never echoes secret values.
# shellcheck shell=bash

# VINBOT_DEPLOY_ROOT lets scripts/check-deploy-config run the scripts against a scratch tree.
DEPLOY_ROOT="${VINBOT_DEPLOY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
DRY_RUN=0
PROBLEMS=()
PLAN=()

say() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { say "error: $*"; exit 1; }
warn() { say "warning: $*"; }

# The Fly app: FLY_APP, else the `app` of fly.toml.
fly_app_name() {
  if [ -n "${FLY_APP:-}" ]; then
    printf '%s\n' "$FLY_APP"
  else
    sed -n 's/^app *= *"\([^"]*\)".*/\1/p' "$DEPLOY_ROOT/fly.toml" | head -n1
  fi
}

# Records a problem; `refuse_if_problems` prints them all at once, so one run shows everything to fix.
problem() { PROBLEMS+=("$*"); }

refuse_if_problems() {
  if [ "${#PROBLEMS[@]}" -gt 0 ]; then
    say "refusing to run: the configuration is incomplete"
    local p
    for p in "${PROBLEMS[@]}"; do printf '  - %s\n' "$p" >&2; done
    exit 2
  fi
}

require_var() { # NAME WHY
  if [ -z "${!1:-}" ]; then problem "$1 is not set ($2)"; fi
}

# A tool is required for a real run; a dry run only reports its absence, so plans can be checked anywhere.
require_tool() { # NAME HINT
  if ! command -v "$1" >/dev/null 2>&1; then
    if [ "$DRY_RUN" = 1 ]; then
      warn "$1 is not installed ($2); fine for --dry-run"
    else
      problem "$1 is not installed ($2)"
    fi
    return 1
  fi
  return 0
}

# Plan steps: printed before execution so the operator sees the whole plan first.
plan() { PLAN+=("$*"); }

print_plan() {
  if [ "$DRY_RUN" = 1 ]; then say "plan (dry run: printed, nothing is executed):"; else say "plan:"; fi
  local i=1 step
  for step in "${PLAN[@]}"; do printf '  %d. %s\n' "$i" "$step" >&2; i=$((i + 1)); done
}

# Runs a command, printing it first. Arguments are shown as given: never pass secret values as arguments
# (feed them on stdin instead, see run_with_stdin).
run() {
  printf '+' >&2; printf ' %q' "$@" >&2; printf '\n' >&2
  [ "$DRY_RUN" = 1 ] && return 0
  "$@"
}

# Runs a command with stdin from a string that is NOT printed (secret values).
run_with_stdin() { # STDIN_TEXT DESCRIPTION-OF-STDIN CMD...
  local input="$1" what="$2"
  shift 2
  printf '+' >&2; printf ' %q' "$@" >&2; printf '  < (%s)\n' "$what" >&2
  [ "$DRY_RUN" = 1 ] && return 0
  printf '%s' "$input" | "$@"
}

# Names of the secrets set on the Fly app, one a line (empty when flyctl is missing in a dry run).
fly_secret_names() { # APP
  command -v flyctl >/dev/null 2>&1 || return 0
  flyctl secrets list --app "$1" --json 2>/dev/null | python3 -c '
import json, sys
try:
    rows = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
for row in rows or []:
    name = row.get("Name") or row.get("name")
    if name:
        print(name)
'
}

contains_line() { # NEEDLE HAYSTACK
  printf '%s\n' "$2" | grep -qxF -- "$1"
}

# A random secret of 64 hex characters (256 bits): openssl when present, the kernel's generator otherwise.
random_secret() {
  if command -v openssl >/dev/null 2>&1; then
    openssl rand -hex 32
  else
    od -An -tx1 -N32 /dev/urandom | tr -d ' \n'
    printf '\n'
  fi
}

# Parses the options every deploy script shares; unknown ones are returned in EXTRA_ARGS.
EXTRA_ARGS=()
parse_common_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --dry-run|-n) DRY_RUN=1 ;;
      -h|--help) usage; exit 0 ;;
      *) EXTRA_ARGS+=("$1") ;;
    esac
    shift
  done
}
