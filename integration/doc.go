// Package integration holds hardrun's black-box tests: they run the binary
// ($HARDRUN_BIN, else one they build) against a real engine, and assert
// what is really in force inside the container (capabilities, seccomp,
// AppArmor, mounts, limits), the exit codes and the outputs the contract
// promises. Under CI=true a missing engine fails them; elsewhere they skip
// and say why.
package integration
