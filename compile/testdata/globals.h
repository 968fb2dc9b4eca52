/* A local header: its documented globals are described like the source's. */

/// Upper bound read from a local header.
const volatile unsigned int header_limit = 5;
