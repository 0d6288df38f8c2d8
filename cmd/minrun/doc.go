// Command minrun is the floor hardrun's launch benchmark measures against:
// it sends a ready-made hardened create request and makes docker run's
// foreground calls (create, attach, wait, start, remove) through the Engine
// API, and nothing else: no flag parsing, no profile, no policy, no image or
// network look-up, no check after create, no API version ping when -api is
// given.
//
//	hardrun explain --format json --rm IMAGE true > req.json
//	minrun -api 1.41 -request req.json
//
// The request is the "request" object of `hardrun explain --format json`:
// exactly what hardrun would send for the same command line.
package main
