// Package decode turns raw event records into JSON or table text, using the BTF type
// that describes them.
//
// New compiles a type once into a flat plan of operations (offset, kind, width, and
// the field's key already quoted), so decoding a record is a loop over that plan that
// appends to a caller's buffer: no reflection and no allocation per record. This is
// what lets a runner keep up with millions of events per second.
//
// The JSON a Decoder writes is the product's promise:
//
//   - keys are field names in struct order; nested structs become objects;
//     anonymous struct/union members contribute their fields inline, as C code
//     accesses them; named unions become an object holding every member.
//   - arrays whose element is a plain C character type (BTF int encoding Char, or
//     an int named char, signed char or unsigned char, reached through qualifiers
//     only) are strings, cut at the first NUL. Arrays of typedefs such as __u8 or
//     u8 stay arrays of numbers: the typedef says "bytes", not "text".
//   - strings are always valid JSON: a byte that is not part of valid UTF-8 is
//     written as \u00XX (its value as a code point), so no byte is lost or merged
//     into U+FFFD; control characters are escaped the same way (\n, \t, \r, \", \\
//     keep their short forms).
//   - other arrays are arrays (nested arrays too); enums are the enumerator's name,
//     or the number when the value has no name; bools are true/false.
//   - integers of 1, 2, 4 and 8 bytes are exact JSON numbers (the u64 maximum prints
//     as 18446744073709551615); 16-byte integers are decimal strings ("…"), since
//     most JSON readers cannot hold them as numbers.
//   - bitfields are extracted and sign-extended as C would.
//   - floats of 4 and 8 bytes are numbers, NaN and ±Inf are null; other float sizes
//     (long double) are null.
//   - pointers are numbers (their address).
//   - IP addresses are strings in inet_ntop's notation ("127.0.0.1", "::1"; see
//     below).
//   - typedef, const, volatile, restrict and type tags are transparent.
//
// # IP addresses
//
// Networking tools store addresses the way the socket holds them, in network order,
// as __u32, __u8[4], unsigned __int128, __u8[16] or __u32[4], often one per family in
// an anonymous union, next to a family field. A member is an address when
//
//   - its type is struct in_addr or struct in6_addr (whatever its name; elements
//     of arrays of them are addresses too), or
//   - its name, once a version suffix (_v4, _v6, 4 or 6) is removed, is one of addr,
//     saddr, daddr, laddr, raddr, src, dst, src_addr, dst_addr, src_ip, dst_ip, and
//     its type is a 4- or 16-byte integer or an array of 1-, 2- or 4-byte integers
//     totalling 4 or 16 bytes. Arrays of plain char stay text; bitfields, pointers,
//     other sizes and other names stay numbers (a __u64 addr, skaddr); so does a
//     4-byte member whose name ends in 6.
//
// Its bytes are printed as they lie in the record (net/netip), as an IPv4 or IPv6
// address:
//
//   - a version suffix decides: saddr_v4 is IPv4 (the first four bytes when the
//     member is wider), saddr_v6 is IPv6;
//   - otherwise four bytes are IPv4;
//   - otherwise a sibling family field decides: an integer or enum member named
//     family, af or sa_family holding AF_INET (2) or AF_INET6 (10), or one named ver
//     holding 4 or 6. AF_INET prints the first four bytes, as tcplife stores IPv4 in
//     an unsigned __int128;
//   - otherwise (no family field, another value, a record too short to hold it) it
//     is IPv6; an IPv4-mapped address prints as ::ffff:a.b.c.d.
//
// Siblings are the members of the same struct, those of its anonymous structs and
// unions included, since C names them alike; a nested named struct or an array
// element follows only its own family field. A union member whose suffix names the
// other family than its sibling family field is the union's inactive member and is
// left out (saddr_v6 when af is AF_INET): in JSON it has no key, in a table an empty
// cell.
//
// Records are read little-endian, as BPF on the supported hosts writes them. A record
// shorter than the type decodes only the fields that are fully present (a char array
// cut short decodes the bytes present); a zero-length array as the last member (a C
// flexible array member) takes whatever the record holds past its offset. No input
// makes a Decoder panic.
//
// A type that is not a struct or union decodes as one field named "value".
package decode
