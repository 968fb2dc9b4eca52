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
//   - typedef, const, volatile, restrict and type tags are transparent.
//
// Records are read little-endian, as BPF on the supported hosts writes them. A record
// shorter than the type decodes only the fields that are fully present (a char array
// cut short decodes the bytes present); a zero-length array as the last member (a C
// flexible array member) takes whatever the record holds past its offset. No input
// makes a Decoder panic.
//
// A type that is not a struct or union decodes as one field named "value".
package decode
