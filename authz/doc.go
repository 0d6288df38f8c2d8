// Package authz is hardrun's engine-side enforcement: a Docker
// authorization plugin (moby pkg/authorization) that judges every API
// request able to create, change, enter or widen a container with the same
// judge as `hardrun run` (package policy), and the site policy
// (/etc/hardrun/policy.yaml) that says which profiles may be chosen.
//
// The plugin cannot apply defaults: it enforces requirements. A create
// request is judged with policy.RequireOnly, so every default the judge
// would still apply is something the request lacks, and the request is
// denied naming it. What `hardrun run` sends therefore passes, and the same
// container asked for by plain `docker run` is denied.
//
// Fail closed everywhere: a request the plugin cannot read (no body,
// malformed, unknown fields, an unknown write endpoint) is denied with the
// reason, and an engine whose plugin does not answer denies by itself.
//
// Files: protocol.go (the plugin's HTTP protocol), route.go (request URI →
// endpoint), judge.go (the decision for each endpoint), create.go,
// container.go (exec, update, start, network connect), objects.go (volume,
// build, plugin, service), profiles.go (which profile judges a request,
// bounded cache), sitepolicy.go, log.go.
package authz
