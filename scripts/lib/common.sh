# shellcheck shell=bash
# Shared by scripts/bootstrap.sh and scripts/teardown.sh: logging, dry-run,
# version checks, port probes. Sourced, never run.
#
# Written for bash 3.2 as well (the /bin/bash of macOS): no associative arrays,
# no mapfile, no ${var,,}, no empty "${array[@]}" under `set -u`.

# The repository root: the parent of scripts/, or SPARK_PLATFORM_ROOT (tests,
# or running the scripts against another checkout).
SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PLATFORM_ROOT=${SPARK_PLATFORM_ROOT:-$(cd "$SCRIPTS_DIR/.." && pwd)}
# The checkout whose compiled library answers the scripts' questions (dist/).
CLI_ROOT=$(cd "$SCRIPTS_DIR/.." && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this file
STATUS_HELPER="$SCRIPTS_DIR/lib/cluster-status.mjs"

DRY_RUN=${DRY_RUN:-0}

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ] && [ "${TERM:-}" != "dumb" ]; then
  C_BOLD=$'\033[1m' C_DIM=$'\033[2m' C_RED=$'\033[31m' C_GREEN=$'\033[32m' C_YELLOW=$'\033[33m' C_RESET=$'\033[0m'
else
  C_BOLD='' C_DIM='' C_RED='' C_GREEN='' C_YELLOW='' C_RESET=''
fi

step() { printf '\n%s==> %s%s\n' "$C_BOLD" "$*" "$C_RESET"; }
info() { printf '    %s\n' "$*"; }
ok() { printf '    %s✓%s %s\n' "$C_GREEN" "$C_RESET" "$*"; }
warn() { printf '    %s!%s %s\n' "$C_YELLOW" "$C_RESET" "$*" >&2; }
err() { printf '%s✗ %s%s\n' "$C_RED" "$*" "$C_RESET" >&2; }
# A failure with the command that fixes it.
problem() {
  err "$1"
  shift
  local line
  for line in "$@"; do printf '    fix: %s\n' "$line" >&2; done
}
die() {
  err "$*"
  exit 1
}

# One word as a shell would read it back: bare when safe, else in single quotes.
shell_word() {
  case $1 in
    '' | *[!A-Za-z0-9_./:=@%+,-]*) printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
    *) printf '%s' "$1" ;;
  esac
}

# Prints a command the way a shell would read it back.
show_cmd() {
  local out='' arg
  for arg in "$@"; do out="$out $(shell_word "$arg")"; done
  printf '%s+%s%s\n' "$C_DIM" "${out}" "$C_RESET"
}

# Runs a command that changes something (prints it first); in --dry-run only prints it.
run() {
  show_cmd "$@"
  if [ "$DRY_RUN" = 1 ]; then return 0; fi
  "$@"
}

# pipe_to SHOWN CONTENT CMD...: feeds CONTENT to CMD on stdin. printf is a shell
# builtin, so CONTENT never appears in a process's arguments and never touches
# the disk (a here-document may be written to a temporary file). Prints SHOWN,
# never CONTENT.
pipe_to() {
  local shown=$1 content=$2
  shift 2
  show_cmd "$@"
  printf '%s<<EOF\n%s\nEOF%s\n' "$C_DIM" "$shown" "$C_RESET"
  if [ "$DRY_RUN" = 1 ]; then return 0; fi
  printf '%s\n' "$content" | "$@"
}

have() { command -v "$1" >/dev/null 2>&1; }

# version_ge 1.28.3 1.27.0 -> true. Compares MAJOR.MINOR.PATCH numerically.
version_ge() {
  local re='^([0-9]+)\.([0-9]+)\.([0-9]+)$' a1 a2 a3
  [[ $1 =~ $re ]] || return 1
  a1=${BASH_REMATCH[1]} a2=${BASH_REMATCH[2]} a3=${BASH_REMATCH[3]}
  [[ $2 =~ $re ]] || return 1
  [ "$a1" -ne "${BASH_REMATCH[1]}" ] && { [ "$a1" -gt "${BASH_REMATCH[1]}" ]; return; }
  [ "$a2" -ne "${BASH_REMATCH[2]}" ] && { [ "$a2" -gt "${BASH_REMATCH[2]}" ]; return; }
  [ "$a3" -ge "${BASH_REMATCH[3]}" ]
}

# The first MAJOR.MINOR.PATCH in some text ("k3d version v5.7.4" -> 5.7.4).
semver_in() {
  local re='v?([0-9]+)\.([0-9]+)(\.([0-9]+))?'
  if [[ $1 =~ $re ]]; then
    printf '%s.%s.%s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[4]:-0}"
  else
    return 1
  fi
}

# True when something listens on the port on this machine. Uses bash's own
# /dev/tcp (Linux and macOS alike; no ss, lsof or nc needed).
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The command that shows which process holds a port, for this machine.
port_holder_cmd() {
  if have lsof; then
    printf 'lsof -nP -iTCP:%s -sTCP:LISTEN' "$1"
  elif have ss; then
    printf "ss -ltnp 'sport = :%s'" "$1"
  else
    printf 'netstat -an | grep LISTEN | grep %s' "$1"
  fi
}

# Seconds left until a deadline taken from $SECONDS; at least 1. A dry run
# waits for nothing, so it shows the whole timeout (${TIMEOUT}) each time.
seconds_left() {
  if [ "$DRY_RUN" = 1 ]; then printf '%s\n' "${TIMEOUT:-$(($1 - SECONDS))}"; return 0; fi
  local left=$(($1 - SECONDS))
  [ "$left" -lt 1 ] && left=1
  printf '%s\n' "$left"
}

require_node() {
  if ! have node; then
    problem "Node.js is not installed: the scripts ask the compiled library for every name, port and URL." \
      "install Node.js 20.19 or newer (https://nodejs.org), then run: npm ci"
    exit 1
  fi
}

# The compiled command line (dist/), compiled first when the sources changed
# since the last compile, or never were (scripts/compile.mjs, as `npm run`
# does): `bash scripts/bootstrap.sh` works from a fresh checkout too.
# SPARK_PLATFORM_CLI names another build of it, used as it is (the tests).
ensure_compiled() {
  require_node
  if [ -n "${SPARK_PLATFORM_CLI:-}" ]; then return 0; fi
  if [ -f "$CLI_ROOT/dist/src/cli/main.js" ]; then
    node "$CLI_ROOT/scripts/compile.mjs" --if-stale
  else
    node "$CLI_ROOT/scripts/compile.mjs"
  fi || {
    problem "the command line could not be compiled (see above)." \
      "npm ci (installs TypeScript), or correct the compile errors above"
    exit 1
  }
}

# spark_platform ARGS...: the compiled command line (call ensure_compiled first).
spark_platform() {
  node "${SPARK_PLATFORM_CLI:-$CLI_ROOT/dist/src/cli/main.js}" "$@"
}

# load_platform_config [--repo-url URL] [--revision REV]: every name, port, path
# and URL of the platform as shell variables (`spark-platform config --format
# env`: CLUSTER_NAME, HOST_PORTS_API, ARGOCD_CRDS=(...), ...), from the validated
# platform.yaml and teams/.
load_platform_config() {
  local cfg
  ensure_compiled
  cfg=$(spark_platform config --dir "$PLATFORM_ROOT" --format env "$@") || {
    err "could not read the platform in $PLATFORM_ROOT (see above)."
    exit 1
  }
  eval "$cfg"
}
