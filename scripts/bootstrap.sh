#!/usr/bin/env bash
# One command from an empty laptop to a synced platform: a k3d cluster, Argo CD,
# and the root Application that syncs everything in generated/applications.
# Safe to run again: an existing matching cluster and Argo CD are reused.
set -euo pipefail

# shellcheck source=lib/common.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/common.sh"

MIN_K3D=5.6.0     # k3d.io/v1alpha5 config files
MIN_KUBECTL=1.27.0
DEFAULT_TIMEOUT=900
POLL_INTERVAL=${BOOTSTRAP_POLL_INTERVAL:-5}

usage() {
  cat <<'EOF'
Usage: npm run bootstrap -- [options]      (or: bash scripts/bootstrap.sh [options])

Creates the k3d cluster described by generated/cluster/k3d.yaml, installs Argo CD
from argocd/, applies the root Application, and waits until every Application is
Synced and Healthy. Every name, port and URL comes from the compiled library
(`spark-platform config`), which reads platform.yaml and teams/; generated/ and
argocd/ must be what they build (`npm run build`). Safe to run again.

Options:
  --dry-run           print every command that would run, run none (reads local files only)
  --recreate          delete an existing cluster of the same name first (its data is lost)
  --timeout SECONDS   how long each wait may take: Argo CD ready, Applications synced
                      (default 900)
  --local             serve this checkout to the cluster from a git daemon on this machine
                      instead of syncing from gitops.repoURL: nothing needs pushing. The
                      default while gitops.repoURL is the example URL platform.yaml ships
                      with (github.com/example-org/...). Serves the last commit; generated/
                      is rebuilt for the local URL in a temporary copy, never in your files.
  --working-tree      with local mode: serve the working tree, uncommitted changes included
  --local-port PORT   port of the local git daemon (default 9418)
  --repo-url URL      the repository the root Application syncs from, instead of the one
                      in argocd/root-application.yaml (for a fork). The child
                      Applications keep the repoURL they were built with: for a fork, set
                      gitops.repoURL in platform.yaml and run `npm run build` instead.
  --revision REV      the branch, tag or commit the root Application follows (same caveat)
  -h, --help          show this help

With a real repository URL, preflight checks that it answers (git ls-remote) and
that the revision's generated/ and argocd/ are this build (a shallow fetch into a
temporary repository); if not, it says what to push, or to use --local.

Local mode: the daemon serves $XDG_STATE_HOME/spark-platform/local-git/<cluster>/
(default ~/.local/state/...) as git://host.k3d.internal:PORT/platform.git, branch
'local'. It keeps running after the bootstrap (Argo CD fetches from it); a re-run
updates the branch and reuses it. `npm run teardown` stops it and removes that
directory.

Environment:
  GIT_TOKEN           token for a private repository (HTTPS); becomes an Argo CD
                      repository Secret, and answers git's password prompt in the
                      preflight check (GIT_ASKPASS). Read from the environment only; never
                      printed, never written to disk, never passed on a command line.
  GIT_USERNAME        user name for the token (default: git)
  XDG_STATE_HOME      where local mode keeps its repository (default ~/.local/state)
  NO_COLOR            disable colours

Exit status: 0 ready; 1 a check or step failed (the message says how to fix it);
2 bad usage.
EOF
}

# The token leaves the environment at once: no child process (docker, k3d,
# kubectl) inherits it. Only the repository Secret, fed on stdin, carries it.
REPO_TOKEN=${GIT_TOKEN:-}
REPO_USERNAME=${GIT_USERNAME:-git}
unset GIT_TOKEN

RECREATE=0
TIMEOUT=$DEFAULT_TIMEOUT
OVERRIDE_REPO_URL=''
OVERRIDE_REVISION=''
LOCAL_MODE=''        # 1: --local; '' decided by the repository URL below
WORKING_TREE=0
LOCAL_PORT=9418
LOCAL_BRANCH=local
LOCAL_HELPER="$SCRIPTS_DIR/lib/local-repo.mjs"

need_value() {
  if [ "$#" -lt 2 ] || [ -z "$2" ]; then
    err "$1 needs a value (see --help)"
    exit 2
  fi
}

while [ "$#" -gt 0 ]; do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --dry-run) DRY_RUN=1 ;;
    --recreate) RECREATE=1 ;;
    --timeout) need_value "$@"; TIMEOUT=$2; shift ;;
    --timeout=*) TIMEOUT=${1#*=} ;;
    --repo-url) need_value "$@"; OVERRIDE_REPO_URL=$2; shift ;;
    --repo-url=*) OVERRIDE_REPO_URL=${1#*=} ;;
    --revision) need_value "$@"; OVERRIDE_REVISION=$2; shift ;;
    --revision=*) OVERRIDE_REVISION=${1#*=} ;;
    --local) LOCAL_MODE=1 ;;
    --working-tree) WORKING_TREE=1 ;;
    --local-port) need_value "$@"; LOCAL_PORT=$2; shift ;;
    --local-port=*) LOCAL_PORT=${1#*=} ;;
    *) err "unknown option: $1 (see --help)"; exit 2 ;;
  esac
  shift
done
case $TIMEOUT in
  '' | *[!0-9]*) err "--timeout needs a whole number of seconds, got '$TIMEOUT'"; exit 2 ;;
esac
if [ "$TIMEOUT" -lt 1 ]; then err "--timeout must be at least 1"; exit 2; fi
case $LOCAL_PORT in
  '' | *[!0-9]*) err "--local-port needs a port number, got '$LOCAL_PORT'"; exit 2 ;;
esac
if [ "$LOCAL_PORT" -lt 1 ] || [ "$LOCAL_PORT" -gt 65535 ]; then err "--local-port must be 1-65535"; exit 2; fi
if [ "$LOCAL_MODE" = 1 ] && [ -n "$OVERRIDE_REPO_URL$OVERRIDE_REVISION" ]; then
  err "--local serves this checkout; it cannot be combined with --repo-url or --revision (see --help)"
  exit 2
fi

CURRENT_STEP='reading the platform'
on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
    printf '\nBootstrap stopped while %s (exit %s). Fix the cause above and run it again: it is safe to re-run.\n' \
      "$CURRENT_STEP" "$rc" >&2
  fi
}
trap on_exit EXIT

if [ "$DRY_RUN" = 1 ]; then
  printf '%sDry run: commands are printed, none is run.%s\n' "$C_BOLD" "$C_RESET"
fi

override=()
if [ -n "$OVERRIDE_REPO_URL" ]; then override+=(--repo-url "$OVERRIDE_REPO_URL"); fi
if [ -n "$OVERRIDE_REVISION" ]; then override+=(--revision "$OVERRIDE_REVISION"); fi
load_platform_config ${override[@]+"${override[@]}"}
# Local mode when asked for, or while gitops.repoURL is the example URL nobody
# can push to (and no --repo-url names another): Argo CD then syncs this
# checkout from the local git daemon, so every name below must carry its URL.
LOCAL_REASON='--local'
if [ -z "$LOCAL_MODE" ]; then
  LOCAL_MODE=0
  if [ "$REPOSITORY_PLACEHOLDER" = true ] && [ -z "$OVERRIDE_REPO_URL$OVERRIDE_REVISION" ]; then
    LOCAL_MODE=1
    LOCAL_REASON="gitops.repoURL is still the example $REPOSITORY_URL"
  fi
fi
if [ "$WORKING_TREE" = 1 ] && [ "$LOCAL_MODE" != 1 ]; then
  err "--working-tree only applies to local mode (--local): Argo CD syncs $REPOSITORY_URL, not this checkout"
  exit 2
fi
if [ "$LOCAL_MODE" = 1 ]; then
  OVERRIDE_REPO_URL="git://host.k3d.internal:$LOCAL_PORT/platform.git"
  OVERRIDE_REVISION=$LOCAL_BRANCH
  load_platform_config --repo-url "$OVERRIDE_REPO_URL" --revision "$OVERRIDE_REVISION"
fi
CONTEXT=$CLUSTER_CONTEXT
K3D_CONFIG="$PLATFORM_ROOT/$CLUSTER_CONFIG"
HOST_PORTS="$HOST_PORTS_API $HOST_PORTS_HTTP $HOST_PORTS_HTTPS"
KC=(kubectl --context "$CONTEXT")

# What is applied must be what the names above describe: the files on disk
# built from the same platform.yaml and teams/.
case $OUTPUT_STATE in
  current) ;;
  missing)
    problem "generated/ and argocd/ are not built yet in $PLATFORM_ROOT." "npm run build"
    exit 1 ;;
  *)
    if [ "$LOCAL_MODE" = 1 ]; then
      publish_fix="npm run build, then commit it: local mode serves the last commit (or run with --working-tree to serve uncommitted changes); nothing needs pushing"
    else
      publish_fix="npm run build, then commit and push: Argo CD syncs from the repository, not from this checkout"
    fi
    problem "generated/ and argocd/ are not what platform.yaml and teams/ build (${#OUTPUT_FILES[@]} file(s), first: ${OUTPUT_FILES[0]})." "$publish_fix"
    exit 1 ;;
esac

# ---------------------------------------------------------------- 1. preflight
FAILURES=0
fail_check() {
  problem "$@"
  FAILURES=$((FAILURES + 1))
}

check_ports_free() {
  local port busy=0
  for port in $HOST_PORTS; do
    if port_in_use "$port"; then
      fail_check "host port $port is already in use; the cluster publishes it." \
        "see what holds it: $(port_holder_cmd "$port")" \
        "then stop that program, or change cluster.ports in platform.yaml and run: npm run build"
      busy=1
    fi
  done
  [ "$busy" = 0 ] && ok "host ports free: $HOST_PORTS"
  return 0
}

# "15.2 GiB", as src/model/host-requirements.ts prints them.
gib() { awk -v b="$1" 'BEGIN { printf "%.1f GiB", b / 1073741824 }'; }
# Whole GiB, rounded up: what `colima start --memory` takes.
gib_up() { printf '%s\n' $((($1 + 1073741823) / 1073741824)); }
# "8 CPU", "7.5 CPU" from millicores.
cpu_text() { awk -v m="$1" 'BEGIN { printf "%g CPU", m / 1000 }'; }

# The Docker VM against what the cluster needs (HOST_* from `spark-platform
# config`, see src/model/host-requirements.ts for why each is a refusal or a
# warning). k3d cannot limit a node's CPU, and only advertises its memory.
check_docker_vm() {
  local out cpus memory reported need fix_vm fix_cpu fix_memory failures=$FAILURES
  if ! out=$(docker info --format '{{.NCPU}} {{.MemTotal}}' 2>/dev/null) || ! [[ $out =~ ^([0-9]+)\ ([0-9]+)$ ]]; then
    fail_check "could not read the Docker VM's CPUs and memory (docker info --format '{{.NCPU}} {{.MemTotal}}' answered: ${out:-nothing})." \
      "docker info   (its 'CPUs' and 'Total Memory' lines must be there)"
    return 0
  fi
  cpus=${BASH_REMATCH[1]} memory=${BASH_REMATCH[2]}
  fix_vm="give Docker at least $HOST_CPU_MINIMUM CPUs and $(gib_up "$HOST_MEMORY_ADVERTISED") GiB of memory: Docker Desktop: Settings → Resources; Colima: colima stop && colima start --cpu $HOST_CPU_MINIMUM --memory $(gib_up "$HOST_MEMORY_ADVERTISED")"
  fix_cpu="or size the nodes for this machine: cluster.servers.cpu and cluster.agents.cpu in platform.yaml (and the queues' guarantees with them), then: npm run build"
  reported=$((cpus * HOST_NODES))
  if [ $((reported * 1000)) -lt "$HOST_CPU_GUARANTEED" ]; then
    fail_check "the Docker VM has $cpus CPU(s), and k3d cannot limit a node's CPU: each of the $HOST_NODES nodes reports $cpus, so Volcano counts $cpus × $HOST_NODES = $reported CPU, less than the $(cpu_text "$HOST_CPU_GUARANTEED") the queues guarantee. Volcano 1.8.2's scheduler would panic on every cycle." \
      "$fix_vm" "$fix_cpu"
  elif [ "$cpus" -lt "$HOST_CPU_PER_NODE" ]; then
    fail_check "the Docker VM has $cpus CPU(s), and k3d cannot limit a node's CPU: each node reports $cpus, fewer than the $HOST_CPU_PER_NODE CPU platform.yaml gives its largest nodes, which the quotas, the queues and the capacity checks count on." \
      "$fix_vm" "$fix_cpu"
  fi
  # A CPU refusal above already printed how to resize the VM, memory included: say it once.
  fix_memory=$fix_vm
  if [ "$FAILURES" != "$failures" ]; then fix_memory="the Docker setting above covers the memory too"; fi
  if [ "$memory" -lt "$HOST_MEMORY_MINIMUM" ]; then
    need="the platform itself ($(gib "$HOST_MEMORY_PLATFORM"): k3s, Argo CD and the components) and the $HOST_MEMORY_EXAMPLE_JOBS example jobs at once ($(gib "$HOST_MEMORY_EXAMPLES"))"
    if [ "$HOST_MEMORY_MINIMUM" = "$HOST_MEMORY_ADVERTISED" ]; then need="what the $HOST_NODES nodes advertise, which is less than $need"; fi
    fail_check "the Docker VM has $(gib "$memory") of memory, less than the $(gib "$HOST_MEMORY_MINIMUM") needed: $need." \
      "$fix_memory" "or declare smaller nodes (cluster.servers.memory, cluster.agents.memory in platform.yaml), then: npm run build"
  elif [ "$memory" -lt "$HOST_MEMORY_ADVERTISED" ]; then
    warn "the Docker VM has $(gib "$memory") of memory, less than the $(gib "$HOST_MEMORY_ADVERTISED") the $HOST_NODES nodes advertise (k3d writes each node's declared size into its /proc/meminfo and reserves nothing). Kubernetes places pods up to $(gib "$HOST_MEMORY_ADVERTISED"); past $(gib "$memory") the kernel's OOM killer ends a process (a Spark executor, or a platform component) instead of a pod waiting Pending. The platform and the $HOST_MEMORY_EXAMPLE_JOBS example jobs at once ($(gib "$HOST_MEMORY_MINIMUM")) fit."
    info "to run without this warning: $fix_vm" >&2
  fi
  if [ "$FAILURES" = "$failures" ]; then
    ok "Docker VM: $cpus CPU(s), $(gib "$memory"); each of the $HOST_NODES nodes reports all $cpus (k3d cannot limit them; the capacity checks plan with platform.yaml's sizes, up to $HOST_CPU_PER_NODE CPU a node), and they advertise $(gib "$HOST_MEMORY_ADVERTISED") together"
  fi
}

# The k3s image of each node of an existing cluster, against the one
# platform.yaml pins: k3d lists an image ID, `docker inspect` the name it was
# created from. Adds to CLUSTER_DIFFERENCES.
check_cluster_image() {
  local images image i=0
  if [ -z "${CLUSTER_NODES[*]:-}" ]; then return 0; fi
  if ! images=$(docker inspect --format '{{.Config.Image}}' "${CLUSTER_NODES[@]}" 2>/dev/null); then
    images=$(docker inspect --format '{{.Config.Image}}' "${CLUSTER_NODES[@]}" 2>&1 >/dev/null | tail -n 1) || true
    fail_check "could not read the k3s image of cluster '$CLUSTER_NAME' (docker inspect ${CLUSTER_NODES[*]}: ${images:-no answer})." \
      "npm run bootstrap -- --recreate   (deletes the cluster and everything in it)"
    return 0
  fi
  while IFS= read -r image; do
    if [ "$image" != "$CLUSTER_K3S_IMAGE" ]; then
      CLUSTER_DIFFERENCES+=("${CLUSTER_NODES[$i]} to run $CLUSTER_K3S_IMAGE, the image platform.yaml pins (it runs ${image:-an unknown image})")
      CLUSTER_STATE=mismatch
    fi
    i=$((i + 1))
  done <<<"$images"
}

preflight() {
  CURRENT_STEP='checking the prerequisites'
  step "[1/6] Preflight: Docker and its VM, k3d, kubectl, host ports"
  if [ "$DRY_RUN" = 1 ]; then
    show_cmd docker info --format '{{.ServerVersion}}'
    show_cmd docker info --format '{{.NCPU}} {{.MemTotal}}'
    info "# then: the Docker VM needs $HOST_CPU_MINIMUM CPUs and $(gib "$HOST_MEMORY_MINIMUM") at least, $(gib "$HOST_MEMORY_ADVERTISED") to run without a warning"
    show_cmd k3d version
    show_cmd kubectl version --client -o json
    show_cmd k3d cluster list -o json
    info "# then: host ports $HOST_PORTS must be free, unless cluster '$CLUSTER_NAME' exists and is reused"
    info "# (reused only with the nodes, k3s image, server flags and ports of $CLUSTER_CONFIG; the image read with: docker inspect --format '{{.Config.Image}}' <its nodes>)"
    CLUSTER_STATE=absent CLUSTER_RUNNING=no CLUSTER_DETAIL=''
    return 0
  fi

  local out version docker_ok=0 k3d_ok=0
  if ! have docker; then
    fail_check "docker is not installed." "install Docker Desktop or Docker Engine: https://docs.docker.com/get-docker/"
  elif ! out=$(docker info --format '{{.ServerVersion}}' 2>/dev/null) || [ -z "$out" ]; then
    # Ask again for the error alone (stdout and warnings kept apart from it).
    out=$(docker info --format '{{.ServerVersion}}' 2>&1 >/dev/null | grep -v '^[[:space:]]*$' | tail -n 1) || true
    case $out in
      *"permission denied"*)
        fail_check "Docker is running but this user may not use it: $out" \
          "sudo usermod -aG docker \"\$USER\", then log out and in (or run: newgrp docker)" ;;
      *)
        fail_check "the Docker daemon is not reachable: ${out:-no answer}" \
          "start Docker Desktop, or on Linux: sudo systemctl start docker" \
          "check which daemon docker talks to: docker context ls" ;;
    esac
  else
    ok "Docker daemon reachable (server $out)"
    docker_ok=1
    check_docker_vm
  fi

  if ! have k3d; then
    fail_check "k3d is not installed (version $MIN_K3D or newer is needed)." \
      "brew install k3d   or   curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | bash"
  else
    out=$(k3d version 2>&1 | head -n 1) || true
    if ! version=$(semver_in "$out"); then
      fail_check "could not read the k3d version from: $out" "reinstall k3d $MIN_K3D or newer: https://k3d.io/#installation"
    elif ! version_ge "$version" "$MIN_K3D"; then
      fail_check "k3d $version is too old: version $MIN_K3D or newer reads k3d.io/v1alpha5 configs." \
        "brew upgrade k3d   or   curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | bash"
    else
      ok "k3d $version"
      k3d_ok=1
    fi
  fi

  if ! have kubectl; then
    fail_check "kubectl is not installed (version $MIN_KUBECTL or newer is needed)." \
      "brew install kubectl   or see https://kubernetes.io/docs/tasks/tools/"
  else
    out=$(kubectl version --client -o json 2>/dev/null | node "$STATUS_HELPER" version clientVersion) || out=''
    if ! version=$(semver_in "$out"); then
      fail_check "could not read the kubectl version (kubectl version --client -o json)." \
        "reinstall kubectl $MIN_KUBECTL or newer: https://kubernetes.io/docs/tasks/tools/"
    elif ! version_ge "$version" "$MIN_KUBECTL"; then
      fail_check "kubectl $version is too old: $MIN_KUBECTL or newer is needed." \
        "brew upgrade kubectl   or see https://kubernetes.io/docs/tasks/tools/"
    else
      ok "kubectl $version"
    fi
  fi

  CLUSTER_STATE=absent CLUSTER_RUNNING=no CLUSTER_DETAIL='' CLUSTER_DIFFERENCES=() CLUSTER_NODES=()
  if [ "$docker_ok" = 1 ] && [ "$k3d_ok" = 1 ]; then
    # stdout only: k3d logs warnings on stderr, which would spoil the JSON.
    if out=$(k3d cluster list -o json 2>/dev/null); then
      local wants=() arg status
      # --name=value: a value that starts with -- is an option's value, not an option.
      for arg in ${REUSE_SERVER_ARGS[@]+"${REUSE_SERVER_ARGS[@]}"}; do wants+=("--server-arg=$arg"); done
      for arg in ${REUSE_PORTS[@]+"${REUSE_PORTS[@]}"}; do wants+=("--port=$arg"); done
      status=$(printf '%s' "$out" | node "$STATUS_HELPER" k3d-cluster "$CLUSTER_NAME" "$CLUSTER_SERVERS" "$CLUSTER_AGENTS" ${wants[@]+"${wants[@]}"}) ||
        die "could not read what k3d cluster list says of '$CLUSTER_NAME' (see above)"
      eval "$status"
      if [ "$CLUSTER_STATE" != absent ] && [ "$RECREATE" != 1 ]; then check_cluster_image; fi
    else
      out=$(k3d cluster list -o json 2>&1 >/dev/null | tail -n 1) || true
      fail_check "k3d could not list clusters: $out" "k3d cluster list"
    fi
  fi

  if [ "$CLUSTER_STATE" = absent ]; then
    check_ports_free
  elif [ "$RECREATE" = 1 ]; then
    ok "cluster '$CLUSTER_NAME' exists ($CLUSTER_DETAIL): --recreate replaces it"
  elif [ "$CLUSTER_STATE" = match ]; then
    ok "cluster '$CLUSTER_NAME' exists ($CLUSTER_DETAIL): it will be reused"
  else
    local wanted='' difference
    for difference in ${CLUSTER_DIFFERENCES[@]+"${CLUSTER_DIFFERENCES[@]}"}; do wanted="$wanted${wanted:+; }$difference"; done
    fail_check "cluster '$CLUSTER_NAME' exists with $CLUSTER_DETAIL, but $CLUSTER_CONFIG wants ${wanted:-another cluster}: it is not reused." \
      "npm run bootstrap -- --recreate   (deletes the cluster and everything in it)"
  fi

  if [ "$FAILURES" -gt 0 ]; then
    printf '\n%s%s check(s) failed; nothing was created.%s\n' "$C_RED" "$FAILURES" "$C_RESET" >&2
    exit 1
  fi
}

# ---------------------------------------------------------------- 2. cluster
create_cluster() {
  run k3d cluster create --config "$K3D_CONFIG"
}

ensure_cluster() {
  CURRENT_STEP="creating the cluster $CLUSTER_NAME"
  step "[2/6] Cluster $CLUSTER_NAME ($CLUSTER_SERVERS server(s), $CLUSTER_AGENTS agent(s), $CLUSTER_K3S_IMAGE)"
  if [ "$DRY_RUN" = 1 ]; then
    if [ "$RECREATE" = 1 ]; then
      info "# if it exists (--recreate):"
      show_cmd k3d cluster delete "$CLUSTER_NAME"
    fi
    info "# if it does not exist (an existing matching cluster is reused, and started if stopped):"
    show_cmd k3d cluster create --config "$K3D_CONFIG"
  elif [ "$CLUSTER_STATE" != absent ] && [ "$RECREATE" = 1 ]; then
    run k3d cluster delete "$CLUSTER_NAME"
    FAILURES=0
    check_ports_free
    if [ "$FAILURES" -gt 0 ]; then exit 1; fi
    create_cluster
  elif [ "$CLUSTER_STATE" = absent ]; then
    create_cluster
  else
    info "reusing the existing cluster"
    if [ "$CLUSTER_RUNNING" != yes ]; then run k3d cluster start "$CLUSTER_NAME"; fi
  fi

  run k3d kubeconfig merge "$CLUSTER_NAME" --kubeconfig-merge-default --kubeconfig-switch-context
  run kubectl config use-context "$CONTEXT"
  ok "kubectl context: $CONTEXT (every command below names it explicitly)"

  if [ "$DRY_RUN" != 1 ] && [ "$CLUSTER_STATE" = match ] && [ "$RECREATE" != 1 ]; then
    # A reused cluster must run the Kubernetes version the config pins.
    local have_version
    have_version=$("${KC[@]}" version -o json 2>/dev/null | node "$STATUS_HELPER" version serverVersion) || have_version=''
    if [ -n "$have_version" ] && [ "$have_version" != "$CLUSTER_SERVER_VERSION" ]; then
      problem "cluster '$CLUSTER_NAME' runs Kubernetes $have_version, but $CLUSTER_CONFIG pins $CLUSTER_K3S_IMAGE." \
        "npm run bootstrap -- --recreate   (deletes the cluster and everything in it)"
      exit 1
    fi
  fi
  run "${KC[@]}" wait --for=condition=Ready nodes --all "--timeout=${TIMEOUT}s"
}

# ---------------------------------------------------------------- 3. Argo CD
argocd_diagnostics() {
  err "$1"
  if [ "$DRY_RUN" != 1 ]; then
    printf '\nPods in %s:\n' "$ARGOCD_NAMESPACE" >&2
    "${KC[@]}" -n "$ARGOCD_NAMESPACE" get pods -o wide >&2 || true
  fi
  printf '\nInvestigate with:\n  kubectl -n %s get events --sort-by=.lastTimestamp\n  kubectl -n %s describe pods\n' \
    "$ARGOCD_NAMESPACE" "$ARGOCD_NAMESPACE" >&2
  exit 1
}

install_argocd() {
  CURRENT_STEP='installing Argo CD'
  step "[3/6] Argo CD $ARGOCD_VERSION ($ARGOCD_DIR/, server-side apply, namespace $ARGOCD_NAMESPACE)"
  run "${KC[@]}" apply --server-side --force-conflicts "--field-manager=$FIELD_MANAGER" -k "$PLATFORM_ROOT/$ARGOCD_DIR"

  local deadline=$((SECONDS + TIMEOUT)) crd crds=()
  for crd in "${ARGOCD_CRDS[@]}"; do crds+=("crd/$crd"); done
  info "waiting for the Argo CD CRDs to be established (timeout ${TIMEOUT}s)"
  run "${KC[@]}" wait --for=condition=Established "${crds[@]}" "--timeout=$(seconds_left "$deadline")s" ||
    argocd_diagnostics "the Argo CD CRDs were not established in time."
  info "waiting for the Argo CD deployments to be available"
  run "${KC[@]}" -n "$ARGOCD_NAMESPACE" wait --for=condition=Available deployment --all "--timeout=$(seconds_left "$deadline")s" ||
    argocd_diagnostics "the Argo CD deployments did not become available within ${TIMEOUT}s."
  run "${KC[@]}" -n "$ARGOCD_NAMESPACE" rollout status "statefulset/$ARGOCD_CONTROLLER" "--timeout=$(seconds_left "$deadline")s" ||
    argocd_diagnostics "the Argo CD application controller did not become ready within ${TIMEOUT}s."
  [ "$DRY_RUN" = 1 ] || ok "Argo CD is up"
}

# ---------------------------------------------------------------- 4. repository
json_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

# The Secret as JSON, with $1 as the (JSON-encoded) password. Built with printf,
# never a here-document: bash may write a here-document to a temporary file.
repo_secret_manifest() {
  local i labels=''
  for i in "${!REPOSITORY_SECRET_LABELS_NAME[@]}"; do
    labels="$labels${labels:+, }$(json_string "${REPOSITORY_SECRET_LABELS_NAME[$i]}"): $(json_string "${REPOSITORY_SECRET_LABELS_VALUE[$i]}")"
  done
  printf '{\n  "apiVersion": "v1",\n  "kind": "Secret",\n'
  printf '  "metadata": {\n    "name": "%s",\n    "namespace": "%s",\n' "$REPOSITORY_SECRET" "$ARGOCD_NAMESPACE"
  printf '    "labels": { %s }\n  },\n' "$labels"
  printf '  "type": "Opaque",\n  "stringData": {\n    "type": "git",\n'
  printf '    "url": %s,\n    "username": %s,\n    "password": %s\n  }\n}\n' \
    "$(json_string "$REPOSITORY_URL")" "$(json_string "$REPO_USERNAME")" "$1"
}

# The repository Argo CD will sync, checked before anything is created. Local
# mode: git with its daemon, and a commit to serve. A real repository: it
# answers, has the revision, and that revision holds this build
# (scripts/lib/remote-check.mjs); a token goes to git through GIT_ASKPASS only.
check_repository() {
  CURRENT_STEP='checking the repository'
  if [ "$LOCAL_MODE" = 1 ]; then check_local_repository; else check_remote_repository; fi
}

check_local_repository() {
  if [ "$DRY_RUN" = 1 ]; then
    info "# then (local mode, $LOCAL_REASON): git and git daemon installed, $PLATFORM_ROOT a git checkout, port $LOCAL_PORT free or the local git daemon's"
    return 0
  fi
  local exec_path
  if ! have git; then
    problem "git is not installed: local mode serves this checkout to the cluster with git daemon." "install git: https://git-scm.com/downloads"
    exit 1
  fi
  exec_path=$(git --exec-path 2>/dev/null) || exec_path=''
  if [ ! -x "$exec_path/git-daemon" ]; then
    problem "this git has no 'git daemon' ($exec_path/git-daemon): local mode serves this checkout to the cluster with it." \
      "Fedora: sudo dnf install git-daemon; Alpine: apk add git-daemon   (the git of Debian, Ubuntu, Homebrew and Xcode includes it)" \
      "or push this checkout to a repository, set gitops.repoURL in platform.yaml and run: npm run build"
    exit 1
  fi
  if ! git -C "$PLATFORM_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    problem "$PLATFORM_ROOT is not a git checkout: local mode serves a commit (or the working tree) of one." \
      "git init && git add -A && git commit -m 'the platform'"
    exit 1
  fi
  if [ "$WORKING_TREE" != 1 ] && ! git -C "$PLATFORM_ROOT" rev-parse --verify -q 'HEAD^{commit}' >/dev/null; then
    problem "$PLATFORM_ROOT has no commit yet: local mode serves the last commit." \
      "git add -A && git commit -m 'the platform'" "or serve the files as they are: npm run bootstrap -- --local --working-tree"
    exit 1
  fi
  if port_in_use "$LOCAL_PORT" && ! node "$LOCAL_HELPER" status --cluster "$CLUSTER_NAME" >/dev/null 2>&1; then
    problem "port $LOCAL_PORT is in use by another program; the local git daemon listens on it." \
      "see what holds it: $(port_holder_cmd "$LOCAL_PORT")" "or use another port: npm run bootstrap -- --local-port 19418"
    exit 1
  fi
  ok "local mode ($LOCAL_REASON): git daemon available, port $LOCAL_PORT free or already ours"
}

check_remote_repository() {
  if [ -n "$REPO_TOKEN" ]; then
    case $REPOSITORY_URL in
      https://*) ;;
      *) die "GIT_TOKEN is set, but a token only works with an https:// repository URL (got $REPOSITORY_URL). Use an https URL, or unset GIT_TOKEN and configure SSH credentials in Argo CD." ;;
    esac
    case $REPO_TOKEN$REPO_USERNAME in
      *[[:cntrl:]]*) die "GIT_TOKEN or GIT_USERNAME contains a control character (a stray newline?)." ;;
    esac
  fi
  if [ "$DRY_RUN" = 1 ]; then
    info "# then: $REPOSITORY_URL must answer (git ls-remote) and $REPOSITORY_REVISION hold this build (a shallow fetch; its generated/ and argocd/ compared)"
    return 0
  fi
  if ! have git; then
    problem "git is not installed: the bootstrap checks with it that $REPOSITORY_URL holds this build." "install git: https://git-scm.com/downloads"
    exit 1
  fi
  # The token is in the environment of this one command (and its git), read by git-askpass.sh.
  if ! GIT_TOKEN=$REPO_TOKEN GIT_USERNAME=$REPO_USERNAME node "$SCRIPTS_DIR/lib/remote-check.mjs" \
    --root "$PLATFORM_ROOT" --url "$REPOSITORY_URL" --revision "$REPOSITORY_REVISION"; then
    printf '\n%sThe repository check failed; nothing was created.%s\n' "$C_RED" "$C_RESET" >&2
    exit 1
  fi
}

# Local mode's step 4: the last commit (or the working tree) rebuilt for the
# local URL in a temporary copy, committed to a bare repository in the state
# directory, and served by a git daemon that outlives this script
# (scripts/lib/local-repo.mjs).
serve_local_repository() {
  CURRENT_STEP='serving this checkout to the cluster'
  local what='the last commit' cli=${SPARK_PLATFORM_CLI:-$CLI_ROOT/dist/src/cli/main.js} publish
  if [ "$WORKING_TREE" = 1 ]; then what='the working tree (uncommitted changes included)'; fi
  step "[4/6] Repository: $what of this checkout, served to the cluster as $REPOSITORY_URL ($REPOSITORY_REVISION)"
  publish=(node "$LOCAL_HELPER" publish --root "$PLATFORM_ROOT" --cluster "$CLUSTER_NAME" --url "$REPOSITORY_URL" --branch "$REPOSITORY_REVISION" --cli "$cli")
  if [ "$WORKING_TREE" = 1 ]; then publish+=(--working-tree); fi
  run "${publish[@]}"
  # On Linux the nodes reach the host at their network's gateway, an address of
  # the host's bridge; on Docker Desktop and Colima through the VM to loopback.
  run node "$LOCAL_HELPER" serve --cluster "$CLUSTER_NAME" --port "$LOCAL_PORT" --branch "$REPOSITORY_REVISION" \
    --listen 127.0.0.1 --listen-if-local "$REPOSITORY_HOST_ADDRESS"
  info "the git daemon keeps serving after this script ends: Argo CD fetches from it (a re-run updates the branch)"
  info "stop it: npm run teardown (with the cluster), or on its own: node scripts/lib/local-repo.mjs stop --cluster $CLUSTER_NAME"
  if [ -n "$REPO_TOKEN" ]; then info "GIT_TOKEN is not used: the local git daemon needs no credentials"; fi
}

repository_access() {
  if [ "$LOCAL_MODE" = 1 ]; then
    serve_local_repository
    return 0
  fi
  CURRENT_STEP='giving Argo CD access to the repository'
  step "[4/6] Repository: $REPOSITORY_URL @ $REPOSITORY_REVISION"
  if [ -z "$REPO_TOKEN" ]; then
    ok "no GIT_TOKEN set: Argo CD reads the repository anonymously (fine for a public repository)"
    info "for a private one: export GIT_TOKEN=<token> (and GIT_USERNAME if not 'git'), then run this again"
    return 0
  fi
  # Server-side apply: no last-applied-configuration annotation holding the token.
  pipe_to "$(repo_secret_manifest '"<redacted>"')" "$(repo_secret_manifest "$(json_string "$REPO_TOKEN")")" \
    "${KC[@]}" apply --server-side --force-conflicts "--field-manager=$FIELD_MANAGER" -f -
  [ "$DRY_RUN" = 1 ] || ok "repository Secret $ARGOCD_NAMESPACE/$REPOSITORY_SECRET applied (the token was passed on stdin only)"
}

# ---------------------------------------------------------------- 5. root Application, sync
root_application() {
  CURRENT_STEP='applying the root Application'
  step "[5/6] Root Application '$ROOT_NAME' and every Application it creates"
  if [ -n "$OVERRIDE_REPO_URL$OVERRIDE_REVISION" ]; then
    info "overriding the root Application's source: $REPOSITORY_URL @ $REPOSITORY_REVISION"
    pipe_to "$ROOT_MANIFEST" "$ROOT_MANIFEST" "${KC[@]}" apply --server-side --force-conflicts "--field-manager=$FIELD_MANAGER" -f -
  else
    run "${KC[@]}" apply --server-side --force-conflicts "--field-manager=$FIELD_MANAGER" -f "$PLATFORM_ROOT/$ROOT_FILE"
  fi
}

# The Applications (of APPLICATIONS, the root first) whose sync failed for good
# at the commit they should be at, read from `kubectl get applications -o json`
# ($1) into STALLED_NAME, STALLED_REVISION, STALLED_MESSAGE and STALLED_PATCH.
# Argo CD retries a failed sync (SYNC_RETRY, about 30 minutes), then never
# syncs that commit again by itself: a Degraded child during the first sync
# would stop the rollout for good, and re-running the bootstrap, which applies
# the same root, would not start it again. See scripts/lib/cluster-status.mjs.
read_stalled_syncs() {
  local out
  out=$(printf '%s' "$1" | node "$STATUS_HELPER" stalled-syncs --initiator "$FIELD_MANAGER" "${APPLICATIONS[@]}") ||
    die "could not read the Applications' last sync (see above)"
  eval "$out"
}

# Starts a new sync of each Application read_stalled_syncs found, as
# `argocd app sync` does: it sets the Application's .operation (here a merge
# patch, conditional on the resourceVersion read). This is what makes a re-run
# of the bootstrap resume a rollout that stopped.
resume_stalled_syncs() {
  local i name
  for i in ${STALLED_NAME[@]+"${!STALLED_NAME[@]}"}; do
    name=${STALLED_NAME[$i]}
    info "$name: its sync of ${STALLED_REVISION[$i]:0:7} failed (\"${STALLED_MESSAGE[$i]}\") and Argo CD does not sync that commit again by itself; starting a new sync"
    if ! run "${KC[@]}" -n "$ROOT_NAMESPACE" patch applications.argoproj.io "$name" --type merge -p "${STALLED_PATCH[$i]}"; then
      warn "could not start a new sync of $name (see above); if Argo CD changed it meanwhile, the table below shows what it does now"
    fi
  done
}

# The Applications that are not Synced and Healthy, with their conditions,
# last sync and resources, on stderr.
report_applications() {
  printf '%s' "$1" | node "$STATUS_HELPER" applications --namespace "$ROOT_NAMESPACE" --report "${APPLICATIONS[@]}" | sed '1,/^$/d' >&2 || true
}

wait_for_applications() {
  CURRENT_STEP='waiting for the Applications to sync'
  local get_apps
  get_apps=("${KC[@]}" -n "$ROOT_NAMESPACE" get applications.argoproj.io -o json)
  if [ "$DRY_RUN" = 1 ]; then
    info "# every ${POLL_INTERVAL}s, until all of ${APPLICATIONS[*]} are Synced and Healthy (timeout ${TIMEOUT}s):"
    show_cmd "${get_apps[@]}"
    info "# on the first answer, for each of them whose sync failed for good at the commit it should be at, a new sync:"
    show_cmd "${KC[@]}" -n "$ROOT_NAMESPACE" patch applications.argoproj.io '<name>' --type merge \
      -p '{"metadata":{"resourceVersion":"<read>"},"operation":{"initiatedBy":{"username":"'"$FIELD_MANAGER"'"},"sync":{"revision":"<commit>","prune":true},"retry":<its spec.syncPolicy.retry>}}'
    return 0
  fi
  info "waiting until every Application is Synced and Healthy (timeout ${TIMEOUT}s; Ctrl-C is safe, re-run resumes)"
  local deadline=$((SECONDS + TIMEOUT)) json table rc last_table='' drawn=0 last_print=$SECONDS width=0 resumed=0 i
  local STALLED_NAME=() STALLED_REVISION=() STALLED_MESSAGE=() STALLED_PATCH=()
  # On a terminal, lines are cut to its width so that the in-place redraw stays exact.
  if [ -t 1 ]; then width=${COLUMNS:-$(tput cols 2>/dev/null || echo 120)}; fi
  while :; do
    rc=0
    if json=$("${get_apps[@]}" 2>/dev/null); then
      read_stalled_syncs "$json"
      # What stopped before this run (an interrupted bootstrap, a sync that failed
      # for good) starts again once, on the first answer.
      if [ "$resumed" = 0 ]; then
        resumed=1
        resume_stalled_syncs
        STALLED_NAME=()
      fi
    else
      json='{"items":[]}'
    fi
    table=$(printf '%s' "$json" | node "$STATUS_HELPER" applications --width "$width" "${APPLICATIONS[@]}") || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then die "could not read the Applications (exit $rc)"; fi
    if [ -t 1 ]; then
      # Redraw the table in place.
      if [ "$drawn" -gt 0 ]; then printf '\033[%sA\033[J' "$drawn"; fi
      printf '%s\n' "$table"
      drawn=$(printf '%s\n' "$table" | wc -l | tr -d ' ')
    elif [ "$table" != "$last_table" ] || [ $((SECONDS - last_print)) -ge 60 ]; then
      # Logs (CI, pipes): print the table when it changes, and once a minute.
      printf '\n[%ss] %s\n' "$SECONDS" "$(date '+%H:%M:%S')"
      printf '%s\n' "$table"
      last_print=$SECONDS
    fi
    last_table=$table
    [ "$rc" -eq 0 ] && break
    if [ -n "${STALLED_NAME[*]:-}" ]; then
      # Its retries ran out during this run: nothing more happens at this commit until someone acts.
      for i in "${!STALLED_NAME[@]}"; do
        err "${STALLED_NAME[$i]}: its sync of ${STALLED_REVISION[$i]:0:7} failed after every retry, and Argo CD does not sync that commit again by itself: ${STALLED_MESSAGE[$i]}"
      done
      report_applications "$json"
      {
        printf '\nNext:\n'
        printf '  kubectl -n %s describe application %s   # which Application or object held it back\n' "$ROOT_NAMESPACE" "${STALLED_NAME[0]}"
        printf '  fix that cause (or wait until it is gone), then: npm run bootstrap   # starts a new sync of it\n'
      } >&2
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      err "not every Application was Synced and Healthy within ${TIMEOUT}s."
      report_applications "$json"
      {
        printf '\nNext:\n'
        printf '  kubectl -n %s get applications                 # the current state\n' "$ROOT_NAMESPACE"
        printf '  kubectl -n %s port-forward svc/%s 8081:443   # then https://localhost:8081 (Argo CD UI)\n' "$ARGOCD_NAMESPACE" "$ARGOCD_SERVER"
        printf '  npm run bootstrap -- --timeout %s                # keep waiting: re-running is safe\n' "$((TIMEOUT * 2))"
        if [ -z "$REPO_TOKEN" ]; then
          printf '  if the repository is private: export GIT_TOKEN=<token> and run the bootstrap again\n'
        fi
      } >&2
      exit 1
    fi
    sleep "$POLL_INTERVAL"
  done
  ok "all Applications are Synced and Healthy"
}

# ---------------------------------------------------------------- 6. what next
next_steps() {
  CURRENT_STEP='printing the next steps'
  step "[6/6] Ready: cluster $CLUSTER_NAME, context $CONTEXT"
  cat <<EOF

Argo CD UI:
  kubectl -n $ARGOCD_NAMESPACE port-forward svc/$ARGOCD_SERVER 8081:443
  then open https://localhost:8081 (self-signed certificate), user: admin
  initial admin password:
    kubectl -n $ARGOCD_NAMESPACE get secret $ARGOCD_ADMIN_SECRET -o jsonpath='{.data.password}' | base64 --decode; echo

Run a team's example Spark job:
EOF
  local i ns
  for i in ${EXAMPLES_TEAM[@]+"${!EXAMPLES_TEAM[@]}"}; do
    ns=${EXAMPLES_NAMESPACE[$i]}
    printf '  %s:\n' "${EXAMPLES_TEAM[$i]}"
    printf '    kubectl apply -f %s\n' "${EXAMPLES_FILE[$i]}"
    printf '    kubectl -n %s get sparkapplications -w\n' "$ns"
    printf '    kubectl -n %s logs -f %s-driver        # once the driver pod runs\n' "$ns" "${EXAMPLES_NAME[$i]}"
  done
  if [ -z "${EXAMPLES_TEAM[*]:-}" ]; then info "(no teams in teams/: no examples to run)"; fi
  cat <<EOF

Remove everything (the cluster, its kubectl context and the local git daemon, if any): npm run teardown
EOF
}

preflight
check_repository
ensure_cluster
install_argocd
repository_access
root_application
wait_for_applications
next_steps
