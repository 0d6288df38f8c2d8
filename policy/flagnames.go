package policy

import "strings"

// flagNames maps a field of the create request to the docker flag that sets
// it, as users write it. The policy judges the request, not argv; this table
// keeps its refusals and changes in the user's words (`--privileged`,
// `-v /etc:/x`), and explain's docker line uses the same spellings.
// Short forms are used where users mostly type them (-v, -p, -P, -e).
var flagNames = map[Field]string{
	"Name":                                   "--name",
	"Platform":                               "--platform",
	"Config.Hostname":                        "--hostname",
	"Config.Domainname":                      "--domainname",
	"Config.User":                            "--user",
	"Config.AttachStdin":                     "-a",
	"Config.OpenStdin":                       "-i",
	"Config.Tty":                             "-t",
	"Config.ExposedPorts":                    "--expose",
	"Config.Env":                             "-e",
	"Config.Image":                           "IMAGE",
	"Config.Volumes":                         "-v",
	"Config.WorkingDir":                      "--workdir",
	"Config.Entrypoint":                      "--entrypoint",
	"Config.Labels":                          "--label",
	"Config.StopSignal":                      "--stop-signal",
	"Config.StopTimeout":                     "--stop-timeout",
	"Config.Healthcheck":                     "--health-cmd",
	"HostConfig.Binds":                       "-v",
	"HostConfig.ContainerIDFile":             "--cidfile",
	"HostConfig.LogConfig.Type":              "--log-driver",
	"HostConfig.LogConfig.Config":            "--log-opt",
	"HostConfig.NetworkMode":                 "--network",
	"HostConfig.PortBindings":                "-p",
	"HostConfig.RestartPolicy":               "--restart",
	"HostConfig.AutoRemove":                  "--rm",
	"HostConfig.VolumeDriver":                "--volume-driver",
	"HostConfig.VolumesFrom":                 "--volumes-from",
	"HostConfig.Annotations":                 "--annotation",
	"HostConfig.CapAdd":                      "--cap-add",
	"HostConfig.CapDrop":                     "--cap-drop",
	"HostConfig.CgroupnsMode":                "--cgroupns",
	"HostConfig.DNS":                         "--dns",
	"HostConfig.DNSOptions":                  "--dns-option",
	"HostConfig.DNSSearch":                   "--dns-search",
	"HostConfig.ExtraHosts":                  "--add-host",
	"HostConfig.GroupAdd":                    "--group-add",
	"HostConfig.IpcMode":                     "--ipc",
	"HostConfig.Cgroup":                      "Cgroup", // Engine API only: no docker flag sets it
	"HostConfig.Links":                       "--link",
	"HostConfig.OomScoreAdj":                 "--oom-score-adj",
	"HostConfig.PidMode":                     "--pid",
	"HostConfig.Privileged":                  "--privileged",
	"HostConfig.PublishAllPorts":             "-P",
	"HostConfig.ReadonlyRootfs":              "--read-only",
	"HostConfig.SecurityOpt":                 "--security-opt",
	"HostConfig.StorageOpt":                  "--storage-opt",
	"HostConfig.Tmpfs":                       "--tmpfs",
	"HostConfig.UTSMode":                     "--uts",
	"HostConfig.UsernsMode":                  "--userns",
	"HostConfig.ShmSize":                     "--shm-size",
	"HostConfig.Sysctls":                     "--sysctl",
	"HostConfig.Runtime":                     "--runtime",
	"HostConfig.Isolation":                   "--isolation",
	"HostConfig.Mounts":                      "--mount",
	"HostConfig.MaskedPaths":                 "MaskedPaths",   // Engine API only
	"HostConfig.ReadonlyPaths":               "ReadonlyPaths", // Engine API only
	"HostConfig.Init":                        "--init",
	"HostConfig.Resources.CPUShares":         "--cpu-shares",
	"HostConfig.Resources.Memory":            "--memory",
	"HostConfig.Resources.NanoCPUs":          "--cpus",
	"HostConfig.Resources.CgroupParent":      "--cgroup-parent",
	"HostConfig.Resources.BlkioWeight":       "--blkio-weight",
	"HostConfig.Resources.CPUPeriod":         "--cpu-period",
	"HostConfig.Resources.CPUQuota":          "--cpu-quota",
	"HostConfig.Resources.CpusetCpus":        "--cpuset-cpus",
	"HostConfig.Resources.CpusetMems":        "--cpuset-mems",
	"HostConfig.Resources.Devices":           "--device",
	"HostConfig.Resources.DeviceCgroupRules": "--device-cgroup-rule",
	"HostConfig.Resources.DeviceRequests":    "--gpus",
	"HostConfig.Resources.MemoryReservation": "--memory-reservation",
	"HostConfig.Resources.MemorySwap":        "--memory-swap",
	"HostConfig.Resources.MemorySwappiness":  "--memory-swappiness",
	"HostConfig.Resources.OomKillDisable":    "--oom-kill-disable",
	"HostConfig.Resources.PidsLimit":         "--pids-limit",
	"HostConfig.Resources.Ulimits":           "--ulimit",
	"NetworkingConfig.EndpointsConfig":       "--network",
	// Not a request field: docker's --use-api-socket is judged on Set.
	"use-api-socket": "--use-api-socket",
}

// flagFor returns the docker flag for a request field. An unknown field is a
// programming error; the table test checks every field the policy names.
func flagFor(field Field) string {
	if f, ok := flagNames[field]; ok {
		return f
	}
	panic("policy: no docker flag for request field " + string(field))
}

// item renders a refused or changed item as the user would have typed it:
// item("HostConfig.PidMode", "host") is "--pid host".
func item(field Field, value string) Item {
	return Item{Field: field, Text: itemText(field, value)}
}

// itemAs is an item of field that the user would describe as text.
func itemAs(field Field, text string) Item { return Item{Field: field, Text: text} }

func itemText(field Field, value string) string {
	f := flagFor(field)
	if value == "" {
		return f
	}
	if f == "IMAGE" {
		return "image " + value
	}
	return f + " " + shellWord(value)
}

// shellWord quotes s for a POSIX shell when it needs it.
func shellWord(s string) string {
	if s == "" {
		return "''"
	}
	if strings.IndexFunc(s, unsafeShellRune) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// unsafeShellRune reports a rune a POSIX shell would treat specially (or
// that is not plain ASCII) in an unquoted word.
func unsafeShellRune(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return false
	case strings.ContainsRune("@%+=:,./_-", r):
		return false
	}
	return true
}
