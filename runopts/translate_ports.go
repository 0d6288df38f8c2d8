package runopts

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/network"
)

// This file reads -p/--publish values with the rules of the port parser
// docker 28 ships (go-connections v0.5.0), quirks included: "1-2-3" is
// the range 1-2, and a host range with a single container port is a
// range of host ports to choose from.

type publishMapping struct {
	port    network.Port
	binding network.PortBinding
}

// parsePublishSpec reads [[IP:]HOST_PORT[-END]:]PORT[-END][/PROTO].
func parsePublishSpec(raw string) ([]publishMapping, error) {
	ip, hostPort, containerPort := splitPublishSpec(raw)
	proto, containerPort := splitPortProto(containerPort)
	hostIP, err := publishHostIP(ip)
	if err != nil {
		return nil, err
	}
	if containerPort == "" {
		return nil, fmt.Errorf("no port specified: %s<empty>", raw)
	}
	start, end, err := parsePortNumberRange(containerPort)
	if err != nil {
		return nil, fmt.Errorf("invalid containerPort: %s", containerPort)
	}
	var hostStart, hostEnd uint64
	if hostPort != "" {
		if hostStart, hostEnd, err = parsePortNumberRange(hostPort); err != nil {
			return nil, fmt.Errorf("invalid hostPort: %s", hostPort)
		}
		// A host range is allowed against a single container port only.
		if end-start != hostEnd-hostStart && end != start {
			return nil, fmt.Errorf("invalid ranges specified for container and host Ports: %s and %s", containerPort, hostPort)
		}
	}
	lower := strings.ToLower(proto)
	if lower != "tcp" && lower != "udp" && lower != "sctp" {
		return nil, fmt.Errorf("invalid proto: %s", proto)
	}
	return expandPublishSpec(hostIP, hostPort, start, end, hostStart, hostEnd, network.IPProtocol(lower)), nil
}

// expandPublishSpec makes one mapping per container port.
func expandPublishSpec(ip netip.Addr, hostPort string, start, end, hostStart, hostEnd uint64, proto network.IPProtocol) []publishMapping {
	out := make([]publishMapping, 0, end-start+1)
	for i := uint64(0); i <= end-start; i++ {
		if hostPort != "" {
			hostPort = strconv.FormatUint(hostStart+i, 10)
		}
		if start == end && hostStart != hostEnd {
			hostPort += "-" + strconv.FormatUint(hostEnd, 10)
		}
		port, _ := network.PortFrom(uint16(start+i), proto)
		out = append(out, publishMapping{port: port, binding: network.PortBinding{HostIP: ip, HostPort: hostPort}})
	}
	return out
}

// splitPublishSpec splits IP:HOST:CONTAINER; an IPv6 address keeps its colons.
func splitPublishSpec(raw string) (ip, hostPort, containerPort string) {
	parts := strings.Split(raw, ":")
	n := len(parts)
	switch n {
	case 1:
		return "", "", parts[0]
	case 2:
		return "", parts[0], parts[1]
	case 3:
		return parts[0], parts[1], parts[2]
	}
	return strings.Join(parts[:n-2], ":"), parts[n-2], parts[n-1]
}

func publishHostIP(ip string) (netip.Addr, error) {
	if ip == "" {
		return netip.Addr{}, nil
	}
	if ip[0] == '[' {
		host, _, err := net.SplitHostPort(ip + ":")
		if err != nil {
			return netip.Addr{}, fmt.Errorf("invalid IP address %v: %w", ip, err)
		}
		ip = host
	}
	if net.ParseIP(ip) == nil {
		return netip.Addr{}, fmt.Errorf("invalid IP address: %s", ip)
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("invalid IP address: %s", ip)
	}
	return addr, nil
}

// splitPortProto splits PORT[/PROTO]; the protocol defaults to tcp and
// anything after a second slash is ignored.
func splitPortProto(raw string) (proto, port string) {
	parts := strings.Split(raw, "/")
	switch {
	case raw == "" || parts[0] == "":
		return "", ""
	case len(parts) == 1:
		return "tcp", raw
	case parts[1] == "":
		return "tcp", parts[0]
	}
	return parts[1], parts[0]
}

// parsePortNumberRange reads PORT or START-END (anything after a second dash
// is ignored).
func parsePortNumberRange(ports string) (start, end uint64, err error) {
	if ports == "" {
		return 0, 0, errors.New("empty string specified for ports")
	}
	if !strings.Contains(ports, "-") {
		start, err = strconv.ParseUint(ports, 10, 16)
		return start, start, err
	}
	parts := strings.Split(ports, "-")
	if start, err = strconv.ParseUint(parts[0], 10, 16); err != nil {
		return 0, 0, err
	}
	if end, err = strconv.ParseUint(parts[1], 10, 16); err != nil {
		return 0, 0, err
	}
	if end < start {
		return 0, 0, fmt.Errorf("invalid range specified for port: %s", ports)
	}
	return start, end, nil
}
