#!/usr/bin/env bash
# Deletes the k3d cluster that scripts/bootstrap.sh created, and with it
# everything inside (Argo CD, the platform, the teams' jobs and data); and
# stops the git daemon of the bootstrap's local mode, removing what it served.
set -euo pipefail

# shellcheck source=lib/common.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/common.sh"

usage() {
  cat <<'EOF'
Usage: npm run teardown -- [options]       (or: bash scripts/teardown.sh [options])

Deletes the k3d cluster that platform.yaml names (cluster.name) and its kubectl
context, and stops the local git daemon that the bootstrap's local mode started
for that cluster (by its pid file, only if it is really that daemon), removing
the repository it served ($XDG_STATE_HOME/spark-platform/local-git/<cluster>).
Nothing else is touched. Asks first; without a terminal to ask on, it refuses
unless --yes.

Options:
  -y, --yes     delete without asking
  --dry-run     print the commands that would run, run none
  -h, --help    show this help

Exit status: 0 deleted (or nothing to delete); 1 failed or declined;
2 bad usage, or no --yes and no terminal to confirm on.
EOF
}

ASSUME_YES=0
while [ "$#" -gt 0 ]; do
  case $1 in
    -h | --help) usage; exit 0 ;;
    -y | --yes) ASSUME_YES=1 ;;
    --dry-run) DRY_RUN=1 ;;
    *) err "unknown option: $1 (see --help)"; exit 2 ;;
  esac
  shift
done

if [ "$DRY_RUN" = 1 ]; then
  printf '%sDry run: commands are printed, none is run.%s\n' "$C_BOLD" "$C_RESET"
fi

# The name only: platform.yaml has it even before a build.
ensure_compiled
CLUSTER_NAME=$(spark_platform config cluster.name --dir "$PLATFORM_ROOT") || {
  problem "could not read the cluster's name from platform.yaml in $PLATFORM_ROOT (see above)." \
    "correct platform.yaml, or delete the cluster by its name: k3d cluster list; k3d cluster delete NAME"
  exit 1
}

LOCAL_HELPER="$SCRIPTS_DIR/lib/local-repo.mjs"
LOCAL_STATE=$(node "$LOCAL_HELPER" state-dir --cluster "$CLUSTER_NAME")

# The bootstrap's local git daemon (local mode), if it left one: stopped by its
# pid file once local-repo.mjs has checked that the pid is that daemon's.
stop_local_repository() {
  if [ "$DRY_RUN" = 1 ]; then
    info "# if local mode left a git daemon or repository in $LOCAL_STATE:"
    show_cmd node "$LOCAL_HELPER" stop --cluster "$CLUSTER_NAME"
    return 0
  fi
  if [ ! -e "$LOCAL_STATE" ]; then return 0; fi
  step "Teardown: local git daemon ($LOCAL_STATE)"
  run node "$LOCAL_HELPER" stop --cluster "$CLUSTER_NAME"
}

step "Teardown: k3d cluster $CLUSTER_NAME"
if [ "$DRY_RUN" = 1 ]; then
  show_cmd k3d cluster list -o json
  if [ "$ASSUME_YES" != 1 ]; then info "# asks for confirmation (or needs --yes without a terminal)"; fi
  show_cmd k3d cluster delete "$CLUSTER_NAME"
  stop_local_repository
  exit 0
fi

# Without k3d or Docker no cluster can be reached, so nothing needs the daemon
# any more: it is stopped even when the cluster cannot be deleted from here.
if ! have k3d; then
  problem "k3d is not installed, so there is no k3d cluster to delete from here." \
    "brew install k3d   or   curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | bash"
  stop_local_repository
  exit 1
fi
# stdout only: k3d logs warnings on stderr, which would spoil the JSON.
if ! out=$(k3d cluster list -o json 2>/dev/null); then
  problem "k3d could not list clusters: $(k3d cluster list -o json 2>&1 >/dev/null | tail -n 1)" \
    "start Docker Desktop, or on Linux: sudo systemctl start docker"
  stop_local_repository
  exit 1
fi
eval "$(printf '%s' "$out" | node "$STATUS_HELPER" k3d-cluster "$CLUSTER_NAME" 0 0)"
if [ "$CLUSTER_STATE" = absent ]; then
  ok "no cluster named '$CLUSTER_NAME': nothing to delete"
  stop_local_repository
  exit 0
fi
info "found: $CLUSTER_NAME ($CLUSTER_DETAIL)"

if [ "$ASSUME_YES" != 1 ]; then
  if [ ! -t 0 ]; then
    err "refusing to delete cluster '$CLUSTER_NAME' without confirmation: there is no terminal to ask on."
    printf '    fix: npm run teardown -- --yes\n' >&2
    exit 2
  fi
  printf "Delete k3d cluster '%s' and everything in it? [y/N] " "$CLUSTER_NAME"
  answer=''
  read -r answer || true
  case $answer in
    y | Y | yes | YES | Yes) ;;
    *) info "not deleted."; exit 1 ;;
  esac
fi

run k3d cluster delete "$CLUSTER_NAME"
ok "cluster '$CLUSTER_NAME' deleted; k3d removed the kubectl context k3d-$CLUSTER_NAME"
stop_local_repository
info "to start again: npm run bootstrap"
