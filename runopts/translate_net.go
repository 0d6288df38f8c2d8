package runopts

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// This file translates networking: --network and its per-endpoint
// options, --ip/--ip6/--mac-address/--link-local-ip/--network-alias/
// --link, --dns*, --add-host, and ports (-p, -P, --expose).

// validateMAC checks --mac-address, docker's first check.
func (b *requestBuilder) validateMAC() error {
	if b.o.MacAddress == "" {
		return nil
	}
	if _, err := net.ParseMAC(strings.TrimSpace(b.o.MacAddress)); err != nil {
		return fmt.Errorf("%s is not a valid mac address", b.o.MacAddress)
	}
	return nil
}

// hostNetwork sets the networking fields of HostConfig. docker always
// sends the DNS lists, empty when not given.
func (b *requestBuilder) hostNetwork() error {
	o := b.o
	dns, err := parseDNSServers(o.DNS)
	if err != nil {
		return err
	}
	b.hc.DNS = dns
	b.hc.DNSOptions = emptyIfNil(o.DNSOptions)
	b.hc.DNSSearch = emptyIfNil(o.DNSSearch)
	b.hc.ExtraHosts = slices.Clone(o.AddHosts)
	b.hc.Links = slices.Clone(o.Links)
	b.hc.PublishAllPorts = o.PublishAll
	b.hc.NetworkMode = container.NetworkMode("default")
	if len(o.Networks) > 0 {
		b.hc.NetworkMode = container.NetworkMode(o.Networks[0].Target)
	}
	return nil
}

func emptyIfNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

func parseDNSServers(servers []string) ([]netip.Addr, error) {
	out := make([]netip.Addr, 0, len(servers))
	for _, s := range servers {
		ip := net.ParseIP(strings.TrimSpace(s))
		if ip == nil {
			return nil, fmt.Errorf("IP address is not correctly formatted: %s", s)
		}
		addr, err := netip.ParseAddr(ip.String())
		if err != nil {
			return nil, fmt.Errorf("IP address is not correctly formatted: %s", s)
		}
		out = append(out, addr)
	}
	return out, nil
}

// networks builds NetworkingConfig.EndpointsConfig. Without --network the
// "default" endpoint carries --ip and friends; with networks, the first
// one does. A single network without options sends no endpoint at all,
// as docker does for older daemons' sake.
func (b *requestBuilder) networks() error {
	o := b.o
	b.endpoints = make(map[string]*network.EndpointSettings, len(o.Networks))
	if len(o.Networks) == 0 {
		ep, err := b.endpoint(NetworkAttachment{Target: "default"}, true)
		if err != nil {
			return err
		}
		b.endpoints["default"] = ep
	}
	var userDefined, builtin bool
	for i, n := range o.Networks {
		if container.NetworkMode(n.Target).IsUserDefined() {
			userDefined = true
		} else {
			builtin = true
		}
		ep, err := b.endpoint(n, i == 0)
		if err != nil {
			return err
		}
		if _, dup := b.endpoints[n.Target]; dup {
			return fmt.Errorf("network %q is specified multiple times", n.Target)
		}
		if i == 0 && len(o.Networks) == 1 && endpointIsZero(ep) {
			continue
		}
		b.endpoints[n.Target] = ep
	}
	if userDefined && builtin {
		return errors.New("conflicting options: cannot attach both user-defined and non-user-defined network-modes")
	}
	return nil
}

// endpoint translates one attachment; the primary one also takes the
// container-wide flags (--network-alias, --link, --ip, --ip6,
// --mac-address, --link-local-ip).
func (b *requestBuilder) endpoint(n NetworkAttachment, primary bool) (*network.EndpointSettings, error) {
	if primary {
		var err error
		if n, err = b.withContainerNetworkFlags(n); err != nil {
			return nil, err
		}
	}
	if err := checkAttachment(n); err != nil {
		return nil, err
	}
	ep := &network.EndpointSettings{GwPriority: n.GwPriority}
	ep.Aliases = append(ep.Aliases, n.Aliases...)
	if len(n.DriverOpts) > 0 {
		ep.DriverOpts = maps.Clone(n.DriverOpts)
	}
	if len(n.Links) > 0 {
		ep.Links = slices.Clone(n.Links)
	}
	ipam, err := endpointIPAM(n)
	if err != nil {
		return nil, err
	}
	ep.IPAMConfig = ipam
	if n.MacAddress != "" {
		mac, err := net.ParseMAC(strings.TrimSpace(n.MacAddress))
		if err != nil {
			return nil, fmt.Errorf("%s is not a valid mac address", n.MacAddress)
		}
		ep.MacAddress = network.HardwareAddr(mac)
	}
	return ep, nil
}

func checkAttachment(n NetworkAttachment) error {
	if strings.TrimSpace(n.Target) == "" {
		return errors.New("no name set for network")
	}
	if container.NetworkMode(n.Target).IsUserDefined() {
		return nil
	}
	if len(n.Aliases) > 0 {
		return errors.New("network-scoped aliases are only supported for user-defined networks")
	}
	if len(n.Links) > 0 {
		return errors.New("links are only supported for user-defined networks")
	}
	return nil
}

// withContainerNetworkFlags merges the container-wide network flags into
// the primary attachment; giving one both ways is a conflict.
func (b *requestBuilder) withContainerNetworkFlags(n NetworkAttachment) (NetworkAttachment, error) {
	o := b.o
	if err := checkNetworkFlagConflicts(n, o); err != nil {
		return n, err
	}
	if len(o.NetworkAliases) > 0 {
		n.Aliases = append([]string(nil), o.NetworkAliases...)
	}
	// On a user-defined network --link is an endpoint alias; on the
	// default bridge it is a legacy link (HostConfig.Links) only.
	if container.NetworkMode(n.Target).IsUserDefined() && len(o.Links) > 0 {
		n.Links = append([]string(nil), o.Links...)
	}
	if o.IP != "" {
		n.IPv4Address = o.IP
	}
	if o.IP6 != "" {
		n.IPv6Address = o.IP6
	}
	if o.MacAddress != "" {
		n.MacAddress = o.MacAddress
	}
	if len(o.LinkLocalIPs) > 0 {
		n.LinkLocalIPs = append([]string(nil), o.LinkLocalIPs...)
	}
	return n, nil
}

func checkNetworkFlagConflicts(n NetworkAttachment, o *RunOptions) error {
	conflict := func(flag, per string) error {
		return fmt.Errorf("conflicting options: cannot specify both %s and per-network %s", flag, per)
	}
	switch {
	case len(n.Aliases) > 0 && len(o.NetworkAliases) > 0:
		return conflict("--network-alias", "alias")
	case len(n.Links) > 0 && len(o.Links) > 0:
		return conflict("--link", "links")
	case n.IPv4Address != "" && o.IP != "":
		return conflict("--ip", "IPv4 address")
	case n.IPv6Address != "" && o.IP6 != "":
		return conflict("--ip6", "IPv6 address")
	case n.MacAddress != "" && o.MacAddress != "":
		return conflict("--mac-address", "MAC address")
	case len(n.LinkLocalIPs) > 0 && len(o.LinkLocalIPs) > 0:
		return conflict("--link-local-ip", "link-local IP addresses")
	}
	return nil
}

// endpointIPAM validates the requested addresses with the daemon's rules
// (docker's CLI leaves that to the daemon; the API types here need them
// parsed).
func endpointIPAM(n NetworkAttachment) (*network.EndpointIPAMConfig, error) {
	if n.IPv4Address == "" && n.IPv6Address == "" && len(n.LinkLocalIPs) == 0 {
		return nil, nil
	}
	ipam := &network.EndpointIPAMConfig{}
	var err error
	if n.IPv4Address != "" {
		if ipam.IPv4Address, err = parseEndpointIP(n.IPv4Address, true); err != nil {
			return nil, fmt.Errorf("invalid IPv4 address: %s", n.IPv4Address)
		}
	}
	if n.IPv6Address != "" {
		if ipam.IPv6Address, err = parseEndpointIP(n.IPv6Address, false); err != nil {
			return nil, fmt.Errorf("invalid IPv6 address: %s", n.IPv6Address)
		}
	}
	for _, s := range n.LinkLocalIPs {
		addr, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("invalid link-local IP address: %s", s)
		}
		ipam.LinkLocalIPs = append(ipam.LinkLocalIPs, addr)
	}
	return ipam, nil
}

// parseEndpointIP accepts what the daemon accepts: an IPv4 address (also
// IPv4-mapped IPv6) for --ip, and a true IPv6 address for --ip6.
func parseEndpointIP(s string, v4 bool) (netip.Addr, error) {
	ip := net.ParseIP(s)
	if ip == nil || (ip.To4() != nil) != v4 {
		return netip.Addr{}, errors.New("invalid address")
	}
	return netip.ParseAddr(s)
}

func endpointIsZero(ep *network.EndpointSettings) bool {
	return ep == nil || (len(ep.Aliases) == 0 && ep.DriverOpts == nil && len(ep.Links) == 0 &&
		ep.IPAMConfig == nil && len(ep.MacAddress) == 0 && ep.GwPriority == 0)
}

// ports sets ExposedPorts and PortBindings from -p and --expose.
func (b *requestBuilder) ports() error {
	specs, err := publishShortSyntax(b.o.Publish)
	if err != nil {
		return err
	}
	exposed := network.PortSet{}
	bindings := network.PortMap{}
	for _, spec := range specs {
		mappings, err := parsePublishSpec(spec)
		if err != nil {
			return err
		}
		for _, m := range mappings {
			exposed[m.port] = struct{}{}
			if bindings[m.port] == nil {
				bindings[m.port] = []network.PortBinding{}
			}
			bindings[m.port] = append(bindings[m.port], m.binding)
		}
	}
	if err := b.expose(exposed); err != nil {
		return err
	}
	b.cfg.ExposedPorts = exposed
	b.hc.PortBindings = bindings
	return nil
}

// expose adds the --expose ports and ranges: PORT[-END][/PROTO].
func (b *requestBuilder) expose(exposed network.PortSet) error {
	for _, e := range b.o.Expose {
		if strings.Contains(e, ":") {
			return fmt.Errorf("invalid port format for --expose: %s", e)
		}
		proto, port := splitPortProto(e)
		start, end, err := parsePortNumberRange(port)
		if err != nil {
			return fmt.Errorf("invalid range format for --expose: %s, error: %s", e, err)
		}
		for p := start; p <= end; p++ {
			if pp, ok := network.PortFrom(uint16(p), network.IPProtocol(proto)); ok {
				exposed[pp] = struct{}{}
			}
		}
	}
	return nil
}

// publishShortSyntax rewrites the long -p syntax
// (published=8080,target=80,protocol=udp) to the short one.
func publishShortSyntax(publish []string) ([]string, error) {
	out := make([]string, 0, len(publish))
	for _, p := range publish {
		if !strings.Contains(p, "=") {
			out = append(out, p)
			continue
		}
		params := map[string]string{"protocol": "tcp"}
		for _, field := range strings.Split(p, ",") {
			k, v, ok := strings.Cut(field, "=")
			if !ok || k == "" {
				return nil, fmt.Errorf("invalid publish opts format (should be name=value but got '%s')", field)
			}
			params[k] = v
		}
		out = append(out, fmt.Sprintf("%s:%s/%s", params["published"], params["target"], params["protocol"]))
	}
	return out, nil
}
