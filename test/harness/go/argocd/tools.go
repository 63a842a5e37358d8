//go:build tools

// Package tools keeps Argo CD's multi-call binary (github.com/argoproj/argo-cd/v2/cmd),
// kustomize and helm in go.mod/go.sum, so that the gitops suite can
// `go build` them from this module. Argo CD acts by the name it is started
// under (argocd-repo-server, argocd-application-controller, ...).
package tools

import (
	_ "github.com/argoproj/argo-cd/v2/cmd"
)
