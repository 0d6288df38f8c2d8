package policy

// Field names the part of the create request a Change or Refusal is about,
// by its path in the Engine API types: "HostConfig.Binds",
// "HostConfig.Resources.Memory". It is the structured key beside the
// display flag: audit, the authorization plugin and the JSON outputs read
// it (and Change.Elem, Refusal.Elem) instead of parsing rendered text.
// flagNames maps every Field to its docker flag.
type Field string

// The fields read outside the package; every other field is spelled by its
// path as well (flagNames lists them all).
const (
	FieldUser            Field = "Config.User"
	FieldWorkingDir      Field = "Config.WorkingDir"
	FieldImage           Field = "Config.Image"
	FieldVolumes         Field = "Config.Volumes"
	FieldLabels          Field = "Config.Labels"
	FieldBinds           Field = "HostConfig.Binds"
	FieldMounts          Field = "HostConfig.Mounts"
	FieldTmpfs           Field = "HostConfig.Tmpfs"
	FieldVolumesFrom     Field = "HostConfig.VolumesFrom"
	FieldReadonlyRootfs  Field = "HostConfig.ReadonlyRootfs"
	FieldCapAdd          Field = "HostConfig.CapAdd"
	FieldCapDrop         Field = "HostConfig.CapDrop"
	FieldSecurityOpt     Field = "HostConfig.SecurityOpt"
	FieldNetworkMode     Field = "HostConfig.NetworkMode"
	FieldPortBindings    Field = "HostConfig.PortBindings"
	FieldLogDriver       Field = "HostConfig.LogConfig.Type"
	FieldLogOptions      Field = "HostConfig.LogConfig.Config"
	FieldInit            Field = "HostConfig.Init"
	FieldShmSize         Field = "HostConfig.ShmSize"
	FieldMemory          Field = "HostConfig.Resources.Memory"
	FieldMemorySwap      Field = "HostConfig.Resources.MemorySwap"
	FieldNanoCPUs        Field = "HostConfig.Resources.NanoCPUs"
	FieldCPUShares       Field = "HostConfig.Resources.CPUShares"
	FieldPidsLimit       Field = "HostConfig.Resources.PidsLimit"
	FieldUlimits         Field = "HostConfig.Resources.Ulimits"
	FieldAPISocket       Field = "use-api-socket" // not a request field: docker's --use-api-socket, judged on Request.Set
	FieldNetworkEndpoint Field = "NetworkingConfig.EndpointsConfig"
)

// Item is one judged item of the request: the field, the element of it
// when the field holds several (see Change.Elem), and the item as the user
// would have typed it.
type Item struct {
	Field Field
	Elem  string
	Text  string
}

// withElem names the element of the field the item is.
func (it Item) withElem(elem string) Item {
	it.Elem = elem
	return it
}
