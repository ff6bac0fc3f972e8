//! The grammar of AWS error texts: one module per wrapper format, each a nom parser.
