package policy

import (
	"cmp"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// judgeNetwork: the network (default and network.allow), extra networks,
// and published ports (network.publish, publish_host_ip).
func (e *evaluation) judgeNetwork() {
	e.judgeNetworkMode()
	e.judgeEndpoints()
	e.judgePublish()
}

func (e *evaluation) judgeNetworkMode() {
	mode := string(e.hc.NetworkMode)
	if mode == "" || (mode == network.NetworkDefault && !e.given("network")) {
		e.applyDefaultNetwork()
		return
	}
	e.judgeNetworkName(item("HostConfig.NetworkMode", mode), mode)
}

// defaultNetworkName is the network network.default selects.
func (e *evaluation) defaultNetworkName() string {
	if e.p.Network.Default == "isolated" {
		return IsolatedNetwork
	}
	return e.p.Network.Default
}

func (e *evaluation) applyDefaultNetwork() {
	name := e.defaultNetworkName()
	if name == "" {
		return
	}
	if name == IsolatedNetwork {
		e.plan.EnsureNetwork = name
	}
	e.hc.NetworkMode = container.NetworkMode(name)
	e.change("HostConfig.NetworkMode", name, "network.default", "default")
	// docker puts --ip, --network-alias and the like given without
	// --network under "default": they belong to the network chosen here.
	// An empty one is dropped, as docker sends none for a lone network.
	eps := e.req.NetworkingConfig.EndpointsConfig
	if ep, ok := eps[network.NetworkDefault]; ok && name != network.NetworkDefault {
		delete(eps, network.NetworkDefault)
		if ep != nil && !reflect.DeepEqual(*ep, network.EndpointSettings{}) {
			eps[name] = ep
		}
	}
}

// judgeEndpoints judges the networks connected besides the first (docker
// 25's repeated --network).
func (e *evaluation) judgeEndpoints() {
	for _, name := range sortedKeys(e.req.NetworkingConfig.EndpointsConfig) {
		if name == string(e.hc.NetworkMode) || name == network.NetworkDefault {
			continue
		}
		e.judgeNetworkName(item("NetworkingConfig.EndpointsConfig", name), name)
	}
}

func (e *evaluation) judgeNetworkName(what Item, name string) {
	if !e.networkAllowed(name) {
		e.refuse(what, keyList("network.allow", e.p.Network.Allow), "")
		return
	}
	if target, ok := strings.CutPrefix(name, "container:"); ok {
		e.judgeJoinedContainer(what, target, "net")
	}
}

// networkClass is the network.allow class of a network: bridge, none, host,
// container, or user-defined (any other name).
func networkClass(name string) string {
	switch {
	case name == network.NetworkBridge || name == network.NetworkDefault:
		return network.NetworkBridge
	case name == network.NetworkNone || name == network.NetworkHost:
		return name
	case strings.HasPrefix(name, "container:"):
		return "container"
	}
	return "user-defined"
}

// networkAllowed: network.allow lists the network's class (container
// namespaces only by name or glob: container:*), its name, or a glob
// matching it; the profile's own default is always permitted.
func (e *evaluation) networkAllowed(name string) bool {
	if name == e.defaultNetworkName() {
		return true
	}
	class := networkClass(name)
	for _, a := range e.p.Network.Allow {
		switch {
		case a == class && class != "container", a == name:
			return true
		case a == "isolated" && name == IsolatedNetwork:
			return true
		case strings.ContainsAny(a, "*?") && matchAny(a, name):
			return true
		}
	}
	return false
}

// judgePublish refuses -p and -P when network.publish is false, and gives
// each published port with no host IP the profile's publish_host_ip
// (docker would listen on every interface). -P is expanded to one such
// binding per exposed port.
func (e *evaluation) judgePublish() {
	if !e.p.Network.Publish {
		e.refusePublish()
		return
	}
	if e.p.Network.PublishHostIP == "" {
		return
	}
	ip, err := netip.ParseAddr(e.p.Network.PublishHostIP)
	if err != nil {
		e.fail(fmt.Errorf("network.publish_host_ip: %w", err))
		return
	}
	for _, p := range sortedPorts(e.hc.PortBindings) {
		for i, b := range e.hc.PortBindings[p] {
			if !b.HostIP.IsValid() {
				b.HostIP = ip
				e.hc.PortBindings[p][i] = b
				e.changeElem(FieldPortBindings, p.String(), portSpec(p, b), "network.publish_host_ip", "default")
			}
		}
	}
	if e.hc.PublishAllPorts {
		e.bindExposedPorts(ip)
	}
}

func (e *evaluation) refusePublish() {
	for _, p := range sortedPorts(e.hc.PortBindings) {
		for _, b := range e.hc.PortBindings[p] {
			e.refuse(item("HostConfig.PortBindings", portSpec(p, b)), "network.publish: false", "")
		}
	}
	if e.hc.PublishAllPorts {
		e.refuse(item("HostConfig.PublishAllPorts", ""), "network.publish: false", "")
	}
}

// bindExposedPorts gives every port -P would publish an explicit binding on
// ip with a random host port, as -p IP::PORT does.
func (e *evaluation) bindExposedPorts(ip netip.Addr) {
	exposed := map[network.Port]struct{}{}
	for p := range e.cfg.ExposedPorts {
		exposed[p] = struct{}{}
	}
	for _, s := range e.img.ExposedPorts {
		if p, err := network.ParsePort(s); err == nil {
			exposed[p] = struct{}{}
		}
	}
	for _, p := range sortedPorts(exposed) {
		if len(e.hc.PortBindings[p]) > 0 {
			continue
		}
		if e.hc.PortBindings == nil {
			e.hc.PortBindings = network.PortMap{}
		}
		b := network.PortBinding{HostIP: ip}
		e.hc.PortBindings[p] = []network.PortBinding{b}
		e.changeElem(FieldPortBindings, p.String(), portSpec(p, b), "network.publish_host_ip", "default")
	}
}

// portSpec spells a binding as -p takes it: [IP:][HOSTPORT:]PORT/PROTO.
func portSpec(p network.Port, b network.PortBinding) string {
	s := ""
	switch {
	case b.HostIP.IsValid() && b.HostIP.Is6():
		s = "[" + b.HostIP.String() + "]:" + b.HostPort + ":"
	case b.HostIP.IsValid():
		s = b.HostIP.String() + ":" + b.HostPort + ":"
	case b.HostPort != "":
		s = b.HostPort + ":"
	}
	return s + p.String()
}

func sortedPorts[V any](m map[network.Port]V) []network.Port {
	ports := make([]network.Port, 0, len(m))
	for p := range m {
		ports = append(ports, p)
	}
	slices.SortFunc(ports, func(a, b network.Port) int {
		return cmp.Or(cmp.Compare(a.Num(), b.Num()), cmp.Compare(a.Proto(), b.Proto()))
	})
	return ports
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
