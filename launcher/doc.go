// Package launcher owns everything that talks to the Docker Engine: the
// narrow Engine interface and its one real implementation (engine_docker.go,
// the only file that imports the Docker client), the host and image facts
// the judge needs (hostfacts.go), pulling, and the create → check → attach →
// wait → start → remove sequence of a launch (run.go, attach.go). It judges
// nothing itself: the plan comes from package policy.
package launcher
