package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
)

// SARIF 2.1.0 (OASIS), the subset code-scanning dashboards read: one run,
// the rules (every CIS check, and each profile key that has a finding),
// one result per failed finding. A container is not a file: its location
// is a logical one (the container) with a stable pseudo-path,
// containers/NAME, that dashboards can group by.

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	toolURI      = "https://github.com/hardrun/hardrun"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool         `json:"tool"`
	Results    []sarifResult     `json:"results"`
	Properties map[string]string `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifText          `json:"shortDescription"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags []string `json:"tags"`
	// SecuritySeverity is the CVSS-like score GitHub code scanning ranks
	// security alerts by.
	SecuritySeverity string `json:"security-severity"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]string `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// level maps a severity to SARIF's result levels.
func (s Severity) level() string {
	switch s {
	case High:
		return "error"
	case Medium:
		return "warning"
	}
	return "note"
}

func (s Severity) score() string {
	switch s {
	case High:
		return "8.0"
	case Medium:
		return "5.0"
	}
	return "2.0"
}

// SARIF converts the report.
func SARIF(rep Report) any {
	rules, index := sarifRules(rep)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "hardrun", Version: rep.HardrunVersion, InformationURI: toolURI, Rules: rules,
		}},
		Results:    []sarifResult{},
		Properties: map[string]string{"profile": rep.Profile.Name, "profileHash": rep.Profile.Hash},
	}
	for _, r := range rep.Results {
		for _, f := range r.Findings {
			if !f.Pass {
				run.Results = append(run.Results, sarifResultOf(r.Container, f, index[ruleID(f)]))
			}
		}
	}
	return sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}
}

func ruleID(f Finding) string { return f.Source + "/" + f.ID }

// sarifRules lists every CIS check, then the profile keys with findings
// (sorted), and each rule's index.
func sarifRules(rep Report) ([]sarifRule, map[string]int) {
	var rules []sarifRule
	for _, c := range Checks {
		rules = append(rules, sarifRule{
			ID: SourceCIS + "/" + c.ID, Name: "CIS-Docker-v1.6.0-" + c.ID,
			ShortDescription:     sarifText{c.Title},
			DefaultConfiguration: sarifConfiguration{c.Severity.level()},
			Properties:           sarifRuleProps{Tags: []string{"security", "cis-docker-benchmark"}, SecuritySeverity: c.Severity.score()},
		})
	}
	keys := map[string]Severity{}
	for _, r := range rep.Results {
		for _, f := range r.Findings {
			if f.Source == SourceProfile && (keys[f.ID] == "" || f.Severity == High) {
				keys[f.ID] = f.Severity
			}
		}
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		rules = append(rules, sarifRule{
			ID: SourceProfile + "/" + k, Name: "hardrun-profile-" + k,
			ShortDescription:     sarifText{"Weaker than the hardrun profile's " + k},
			DefaultConfiguration: sarifConfiguration{keys[k].level()},
			Properties:           sarifRuleProps{Tags: []string{"security", "hardrun-profile"}, SecuritySeverity: keys[k].score()},
		})
	}
	index := make(map[string]int, len(rules))
	for i, r := range rules {
		index[r.ID] = i
	}
	return rules, index
}

func sarifResultOf(c Container, f Finding, ruleIndex int) sarifResult {
	id := ruleID(f)
	sum := sha256.Sum256([]byte(c.Name + "\x00" + id + "\x00" + f.Title))
	return sarifResult{
		RuleID:    id,
		RuleIndex: ruleIndex,
		Level:     f.Severity.level(),
		Message:   sarifText{"container " + c.Name + ": " + f.Title + " (want " + f.Want + ", got " + f.Got + ")"},
		Locations: []sarifLocation{{
			PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: "containers/" + c.Name}},
			LogicalLocations: []sarifLogical{{Name: c.Name, FullyQualifiedName: "container/" + c.ID, Kind: "resource"}},
		}},
		PartialFingerprints: map[string]string{"hardrunFinding/v1": hex.EncodeToString(sum[:16])},
		Properties: map[string]string{
			"containerId": c.ID, "image": c.Image, "want": f.Want, "got": f.Got,
			"profileLabel": c.Profile, "versionLabel": c.Version,
		},
	}
}
