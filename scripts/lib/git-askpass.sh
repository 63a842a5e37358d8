#!/bin/sh
# GIT_ASKPASS for a private repository over HTTPS: git runs this to ask for the
# user name and the password, and it answers from the environment of that one
# git process (GIT_USERNAME, GIT_TOKEN), so the token is never on a command
# line, in a URL or in a file. https://git-scm.com/docs/gitcredentials
case $1 in
  Username*) printf '%s\n' "${GIT_USERNAME:-git}" ;;
  *) printf '%s\n' "${GIT_TOKEN:-}" ;;
esac
