//go:build tools

// Package tools names what this module builds, so that `go mod tidy` keeps the Pulumi CLI's whole dependency graph:
// the CLI's main package (pkg/v3) and the package its version stamp is written into (sdk/v3), each required at the
// same release.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
	_ "github.com/pulumi/pulumi/sdk/v3/go/common/version"
)
