#!/usr/bin/env bash
# Stand-in docker, k3d and kubectl for the bootstrap tests, started as
# `FAKE_TOOL=<tool> bash fake.sh <args...>` by wrappers named after the tools.
# It answers the stateless calls itself (fast: the scripts make dozens of
# calls per run) and hands the stateful ones (k3d clusters, Application and
# SparkApplication polls) to fake-tool.mjs. Every call it answers is logged in
# the same JSON-lines format as fake-tool.mjs: { tool, args, env, stdinFile? }.
#
# Scenario knobs (set by test/bootstrap/harness.ts from the Scenario):
#   FAKE_S_DOCKER=up|down|permission  FAKE_S_DOCKER_CPUS  FAKE_S_DOCKER_MEMORY (docker info's NCPU, MemTotal)
#   FAKE_S_K3D_VERSION  FAKE_S_KUBECTL_VERSION
#   FAKE_S_SERVER_VERSION  FAKE_S_WAIT_TIMEOUT (patterns, '|'-separated)  FAKE_S_NOISE=1
set -u
tool=$FAKE_TOOL

json() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\t'/\\t}
  s=${s//$'\r'/\\r}
  printf '"%s"' "$s"
}

log_call() {
  local out a n sep=''
  out="{\"tool\":$(json "$tool"),\"args\":["
  for a in "${ARGS[@]+"${ARGS[@]}"}"; do out="$out$sep$(json "$a")"; sep=,; done
  out="$out],\"env\":{"
  sep=''
  for n in $(compgen -e); do
    [ "$n" = FAKE_TOOL ] && continue
    out="$out$sep$(json "$n"):$(json "${!n}")"
    sep=,
  done
  out="$out}${1:-}}"
  printf '%s\n' "$out" >>"$FAKE_LOG"
}

delegate() { exec "$FAKE_NODE" "$FAKE_DIR_MJS/fake-tool.mjs" "$tool" "${ARGS[@]+"${ARGS[@]}"}"; }

ARGS=("$@")
# kubectl's verb and object, global flags dropped.
pos=()
skip=0
for a in "$@"; do
  if [ "$skip" = 1 ]; then skip=0; continue; fi
  case $a in
    --context | -n | --namespace | --kubeconfig | -o | --output | -f | -k | --field-manager | --for | --timeout | -l) skip=1 ;;
    -*) ;;
    *) pos+=("$a") ;;
  esac
done
verb=${pos[0]:-}
obj=${pos[1]:-}

case $tool in
  docker)
    if [ "${1:-}" = info ]; then
      case ${FAKE_S_DOCKER:-up} in
        down)
          log_call
          echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
          exit 1 ;;
        permission)
          log_call
          echo 'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.47/info": dial unix /var/run/docker.sock: connect: permission denied' >&2
          exit 1 ;;
      esac
      [ "${FAKE_S_NOISE:-}" = 1 ] && echo "WARNING: bridge-nf-call-iptables is disabled" >&2
      log_call
      case $* in
        *'{{.NCPU}} {{.MemTotal}}'*) echo "${FAKE_S_DOCKER_CPUS:-16} ${FAKE_S_DOCKER_MEMORY:-34359738368}" ;;
        *) echo "28.2.2" ;;
      esac
      exit 0
    fi
    # docker inspect of a k3d node reads the clusters' state.
    if [ "${1:-}" = inspect ]; then delegate; fi
    log_call
    exit 0 ;;
  k3d)
    case ${1:-} in
      version)
        log_call
        printf 'k3d version %s\nk3s version v1.31.5-k3s1 (default)\n' "${FAKE_S_K3D_VERSION:-v5.8.3}"
        exit 0 ;;
      kubeconfig)
        log_call
        echo "$HOME/.kube/config"
        exit 0 ;;
    esac
    delegate ;;
  kubectl)
    case $verb in
      version)
        log_call
        if [[ " ${ARGS[*]} " == *" --client "* ]]; then
          printf '{\n  "clientVersion": {\n    "major": "1",\n    "gitVersion": "%s"\n  }\n}\n' "${FAKE_S_KUBECTL_VERSION:-v1.31.2}"
        else
          printf '{\n  "clientVersion": {\n    "gitVersion": "%s"\n  },\n  "serverVersion": {\n    "gitVersion": "%s"\n  }\n}\n' \
            "${FAKE_S_KUBECTL_VERSION:-v1.31.2}" "${FAKE_S_SERVER_VERSION:-v1.28.15+k3s1}"
        fi
        exit 0 ;;
      config)
        log_call
        echo "Switched to context \"${pos[2]:-}\"."
        exit 0 ;;
      apply)
        if [[ " ${ARGS[*]} " == *" -f - "* ]]; then
          file="$FAKE_DIR/stdin-$$-$RANDOM.txt"
          cat >"$file"
          log_call ",\"stdinFile\":$(json "$file")"
          echo "object serverside-applied"
        else
          log_call
          echo "customresourcedefinition.apiextensions.k8s.io/applications.argoproj.io serverside-applied"
        fi
        exit 0 ;;
      wait)
        log_call
        if [ -n "${FAKE_S_WAIT_TIMEOUT:-}" ]; then
          IFS='|' read -r -a patterns <<<"$FAKE_S_WAIT_TIMEOUT"
          for p in "${patterns[@]}"; do
            if [[ " ${ARGS[*]} " == *"$p"* ]]; then
              echo "error: timed out waiting for the condition on $p" >&2
              exit 1
            fi
          done
        fi
        echo "${pos[*]:1} condition met"
        exit 0 ;;
      rollout)
        log_call
        echo "partitioned roll out complete: 1 new pods have been updated..."
        exit 0 ;;
      get)
        case $obj in
          applications* | application | sparkapplication*) delegate ;;
        esac
        log_call
        printf 'NAME                                READY   STATUS             RESTARTS   AGE\nargocd-server-5d8f9c7b9-abcde       0/1     ImagePullBackOff   0          5m\n'
        exit 0 ;;
    esac
    delegate ;;
esac
delegate
