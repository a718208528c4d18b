// Package embeddb runs FerretDB v1 in-process with its SQLite backend, so the
// hub can use the official MongoDB Go driver against files in a local
// directory instead of a MongoDB server.
//
// [Start] opens the database on a directory and a loopback address and returns
// once a driver ping succeeds; [DB.URI] gives the connection string and
// [DB.Close] stops it. Several databases may run in one process, each on its
// own directory; a directory in use by a running database is refused.
//
// # Limits the hub must respect
//
// The embedded database speaks the MongoDB wire protocol but is not MongoDB.
// Code that must also work on it keeps to the following:
//
//   - No multi-document transactions. A driver transaction fails on its first
//     command (FailedToParse: unknown field "startTransaction"). Changes that
//     must go together belong in one document.
//   - Weak aggregation. $group supports only the $sum and $count
//     accumulators; $avg, $min, $max, $push and the rest return
//     NotImplemented. Compute anything else in Go.
//   - Index options expireAfterSeconds (TTL) and partialFilterExpression
//     return NotImplemented, and text indexes cannot be created. Expire
//     documents in code; plain and unique indexes work.
//   - No change streams: Watch returns NotImplemented.
//   - A NaN double or any Decimal128 value in a command makes the server close
//     the connection: the driver returns a network error and reconnects
//     (about half a second later in tests). Reject NaN before writing and
//     store money and exact decimals as integers or strings.
//   - No authentication. Anyone on the machine can connect, so the database
//     listens on loopback only and Start refuses any other address.
//   - Almost every query is a full scan. Only a filter that is exactly an _id
//     equality on a string or ObjectID is looked up directly; every other
//     filter reads the whole collection and sorting happens in memory.
//     Secondary indexes only enforce uniqueness. Keep collections small or
//     look documents up by _id.
//
// Unsupported commands and failed commands, duplicate keys included, are
// logged by FerretDB at warning level with the whole response; see
// [Config.Logger].
package embeddb
