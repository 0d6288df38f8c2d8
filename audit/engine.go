package audit

import (
	"strings"

	"github.com/moby/moby/api/types/system"
)

// EngineFacts is what the engine's info says about every container it
// runs. Some CIS checks depend on it: 5.2 and 5.3 apply "if applicable"
// (AppArmor, SELinux), 5.22 fails everywhere on an engine without seccomp,
// and 5.26 passes everywhere on an engine started with no-new-privileges.
type EngineFacts struct {
	AppArmor        bool // the engine confines containers with AppArmor
	SELinux         bool // the engine labels containers for SELinux
	Seccomp         bool // the engine applies seccomp profiles
	NoNewPrivileges bool // the engine sets no_new_privs on every container
	// CgroupnsHost: a container that asks for nothing gets the host's
	// cgroup namespace (cgroup v1 hosts), so a recorded "host" is the
	// engine's choice, not the caller's.
	CgroupnsHost bool
}

// EngineFactsOf reads the facts from the engine's info. Its security
// options are "name=seccomp,profile=default", "name=apparmor", ...; an
// engine older than API 1.25 (plain "apparmor") is read as well.
func EngineFactsOf(info system.Info) EngineFacts {
	f := EngineFacts{CgroupnsHost: info.CgroupVersion != "2"}
	for _, opt := range info.SecurityOptions {
		name := opt
		for field := range strings.SplitSeq(opt, ",") {
			if v, ok := strings.CutPrefix(field, "name="); ok {
				name = v
			}
		}
		switch name {
		case "apparmor":
			f.AppArmor = true
		case "selinux":
			f.SELinux = true
		case "seccomp":
			f.Seccomp = true
		case "no-new-privileges":
			f.NoNewPrivileges = true
		}
	}
	return f
}
