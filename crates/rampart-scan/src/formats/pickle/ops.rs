//! The pickle opcodes by name (protocols 0 to 5), as CPython's `pickletools` lists
//! them: the machine in `mod.rs` matches on [`Op`], never on raw bytes.

/// One pickle opcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Op {
    /// `INT` (protocol 0): Push an integer or bool.
    Int = b'I',
    /// `BININT` (protocol 1): Push a four-byte signed integer.
    Binint = b'J',
    /// `BININT1` (protocol 1): Push a one-byte unsigned integer.
    Binint1 = b'K',
    /// `BININT2` (protocol 1): Push a two-byte unsigned integer.
    Binint2 = b'M',
    /// `LONG` (protocol 0): Push a long integer.
    Long = b'L',
    /// `LONG1` (protocol 2): Long integer using one-byte length.
    Long1 = 0x8a,
    /// `LONG4` (protocol 2): Long integer using found-byte length.
    Long4 = 0x8b,
    /// `STRING` (protocol 0): Push a Python string object.
    String = b'S',
    /// `BINSTRING` (protocol 1): Push a Python string object.
    Binstring = b'T',
    /// `SHORT_BINSTRING` (protocol 1): Push a Python string object.
    ShortBinstring = b'U',
    /// `BINBYTES` (protocol 3): Push a Python bytes object.
    Binbytes = b'B',
    /// `SHORT_BINBYTES` (protocol 3): Push a Python bytes object.
    ShortBinbytes = b'C',
    /// `BINBYTES8` (protocol 4): Push a Python bytes object.
    Binbytes8 = 0x8e,
    /// `BYTEARRAY8` (protocol 5): Push a Python bytearray object.
    Bytearray8 = 0x96,
    /// `NEXT_BUFFER` (protocol 5): Push an out-of-band buffer object.
    NextBuffer = 0x97,
    /// `READONLY_BUFFER` (protocol 5): Make an out-of-band buffer object read-only.
    ReadonlyBuffer = 0x98,
    /// `NONE` (protocol 0): Push None on the stack.
    None = b'N',
    /// `NEWTRUE` (protocol 2): Push True onto the stack.
    Newtrue = 0x88,
    /// `NEWFALSE` (protocol 2): Push False onto the stack.
    Newfalse = 0x89,
    /// `UNICODE` (protocol 0): Push a Python Unicode string object.
    Unicode = b'V',
    /// `SHORT_BINUNICODE` (protocol 4): Push a Python Unicode string object.
    ShortBinunicode = 0x8c,
    /// `BINUNICODE` (protocol 1): Push a Python Unicode string object.
    Binunicode = b'X',
    /// `BINUNICODE8` (protocol 4): Push a Python Unicode string object.
    Binunicode8 = 0x8d,
    /// `FLOAT` (protocol 0): Newline-terminated decimal float literal.
    Float = b'F',
    /// `BINFLOAT` (protocol 1): Float stored in binary form, with 8 bytes of data.
    Binfloat = b'G',
    /// `EMPTY_LIST` (protocol 1): Push an empty list.
    EmptyList = b']',
    /// `APPEND` (protocol 0): Append an object to a list.
    Append = b'a',
    /// `APPENDS` (protocol 1): Extend a list by a slice of stack objects.
    Appends = b'e',
    /// `LIST` (protocol 0): Build a list out of the topmost stack slice, after markobject.
    List = b'l',
    /// `EMPTY_TUPLE` (protocol 1): Push an empty tuple.
    EmptyTuple = b')',
    /// `TUPLE` (protocol 0): Build a tuple out of the topmost stack slice, after markobject.
    Tuple = b't',
    /// `TUPLE1` (protocol 2): Build a one-tuple out of the topmost item on the stack.
    Tuple1 = 0x85,
    /// `TUPLE2` (protocol 2): Build a two-tuple out of the top two items on the stack.
    Tuple2 = 0x86,
    /// `TUPLE3` (protocol 2): Build a three-tuple out of the top three items on the stack.
    Tuple3 = 0x87,
    /// `EMPTY_DICT` (protocol 1): Push an empty dict.
    EmptyDict = b'}',
    /// `DICT` (protocol 0): Build a dict out of the topmost stack slice, after markobject.
    Dict = b'd',
    /// `SETITEM` (protocol 0): Add a key+value pair to an existing dict.
    Setitem = b's',
    /// `SETITEMS` (protocol 1): Add an arbitrary number of key+value pairs to an existing dict.
    Setitems = b'u',
    /// `EMPTY_SET` (protocol 4): Push an empty set.
    EmptySet = 0x8f,
    /// `ADDITEMS` (protocol 4): Add an arbitrary number of items to an existing set.
    Additems = 0x90,
    /// `FROZENSET` (protocol 4): Build a frozenset out of the topmost slice, after markobject.
    Frozenset = 0x91,
    /// `POP` (protocol 0): Discard the top stack item, shrinking the stack by one item.
    Pop = b'0',
    /// `DUP` (protocol 0): Push the top stack item onto the stack again, duplicating it.
    Dup = b'2',
    /// `MARK` (protocol 0): Push markobject onto the stack.
    Mark = b'(',
    /// `POP_MARK` (protocol 1): Pop all the stack objects at and above the topmost markobject.
    PopMark = b'1',
    /// `GET` (protocol 0): Read an object from the memo and push it on the stack.
    Get = b'g',
    /// `BINGET` (protocol 1): Read an object from the memo and push it on the stack.
    Binget = b'h',
    /// `LONG_BINGET` (protocol 1): Read an object from the memo and push it on the stack.
    LongBinget = b'j',
    /// `PUT` (protocol 0): Store the stack top into the memo.  The stack is not popped.
    Put = b'p',
    /// `BINPUT` (protocol 1): Store the stack top into the memo.  The stack is not popped.
    Binput = b'q',
    /// `LONG_BINPUT` (protocol 1): Store the stack top into the memo.  The stack is not popped.
    LongBinput = b'r',
    /// `MEMOIZE` (protocol 4): Store the stack top into the memo.  The stack is not popped.
    Memoize = 0x94,
    /// `EXT1` (protocol 2): Extension code.
    Ext1 = 0x82,
    /// `EXT2` (protocol 2): Extension code.
    Ext2 = 0x83,
    /// `EXT4` (protocol 2): Extension code.
    Ext4 = 0x84,
    /// `GLOBAL` (protocol 0): Push a global object (module.attr) on the stack.
    Global = b'c',
    /// `STACK_GLOBAL` (protocol 4): Push a global object (module.attr) on the stack.
    StackGlobal = 0x93,
    /// `REDUCE` (protocol 0): Push an object built from a callable and an argument tuple.
    Reduce = b'R',
    /// `BUILD` (protocol 0): Finish building an object, via __setstate__ or dict update.
    Build = b'b',
    /// `INST` (protocol 0): Build a class instance.
    Inst = b'i',
    /// `OBJ` (protocol 1): Build a class instance.
    Obj = b'o',
    /// `NEWOBJ` (protocol 2): Build an object instance.
    Newobj = 0x81,
    /// `NEWOBJ_EX` (protocol 4): Build an object instance.
    NewobjEx = 0x92,
    /// `PROTO` (protocol 2): Protocol version indicator.
    Proto = 0x80,
    /// `STOP` (protocol 0): Stop the unpickling machine.
    Stop = b'.',
    /// `FRAME` (protocol 4): Indicate the beginning of a new frame.
    Frame = 0x95,
    /// `PERSID` (protocol 0): Push an object identified by a persistent ID.
    Persid = b'P',
    /// `BINPERSID` (protocol 1): Push an object identified by a persistent ID.
    Binpersid = b'Q',
}

impl Op {
    /// The opcode a byte stands for, if any.
    pub(crate) fn from_byte(b: u8) -> Option<Op> {
        Some(match b {
            b'I' => Op::Int,
            b'J' => Op::Binint,
            b'K' => Op::Binint1,
            b'M' => Op::Binint2,
            b'L' => Op::Long,
            0x8a => Op::Long1,
            0x8b => Op::Long4,
            b'S' => Op::String,
            b'T' => Op::Binstring,
            b'U' => Op::ShortBinstring,
            b'B' => Op::Binbytes,
            b'C' => Op::ShortBinbytes,
            0x8e => Op::Binbytes8,
            0x96 => Op::Bytearray8,
            0x97 => Op::NextBuffer,
            0x98 => Op::ReadonlyBuffer,
            b'N' => Op::None,
            0x88 => Op::Newtrue,
            0x89 => Op::Newfalse,
            b'V' => Op::Unicode,
            0x8c => Op::ShortBinunicode,
            b'X' => Op::Binunicode,
            0x8d => Op::Binunicode8,
            b'F' => Op::Float,
            b'G' => Op::Binfloat,
            b']' => Op::EmptyList,
            b'a' => Op::Append,
            b'e' => Op::Appends,
            b'l' => Op::List,
            b')' => Op::EmptyTuple,
            b't' => Op::Tuple,
            0x85 => Op::Tuple1,
            0x86 => Op::Tuple2,
            0x87 => Op::Tuple3,
            b'}' => Op::EmptyDict,
            b'd' => Op::Dict,
            b's' => Op::Setitem,
            b'u' => Op::Setitems,
            0x8f => Op::EmptySet,
            0x90 => Op::Additems,
            0x91 => Op::Frozenset,
            b'0' => Op::Pop,
            b'2' => Op::Dup,
            b'(' => Op::Mark,
            b'1' => Op::PopMark,
            b'g' => Op::Get,
            b'h' => Op::Binget,
            b'j' => Op::LongBinget,
            b'p' => Op::Put,
            b'q' => Op::Binput,
            b'r' => Op::LongBinput,
            0x94 => Op::Memoize,
            0x82 => Op::Ext1,
            0x83 => Op::Ext2,
            0x84 => Op::Ext4,
            b'c' => Op::Global,
            0x93 => Op::StackGlobal,
            b'R' => Op::Reduce,
            b'b' => Op::Build,
            b'i' => Op::Inst,
            b'o' => Op::Obj,
            0x81 => Op::Newobj,
            0x92 => Op::NewobjEx,
            0x80 => Op::Proto,
            b'.' => Op::Stop,
            0x95 => Op::Frame,
            b'P' => Op::Persid,
            b'Q' => Op::Binpersid,
            _ => return None,
        })
    }

    /// The name `pickletools` gives it (used in findings: "via STACK_GLOBAL").
    pub(crate) fn name(self) -> &'static str {
        match self {
            Op::Int => "INT",
            Op::Binint => "BININT",
            Op::Binint1 => "BININT1",
            Op::Binint2 => "BININT2",
            Op::Long => "LONG",
            Op::Long1 => "LONG1",
            Op::Long4 => "LONG4",
            Op::String => "STRING",
            Op::Binstring => "BINSTRING",
            Op::ShortBinstring => "SHORT_BINSTRING",
            Op::Binbytes => "BINBYTES",
            Op::ShortBinbytes => "SHORT_BINBYTES",
            Op::Binbytes8 => "BINBYTES8",
            Op::Bytearray8 => "BYTEARRAY8",
            Op::NextBuffer => "NEXT_BUFFER",
            Op::ReadonlyBuffer => "READONLY_BUFFER",
            Op::None => "NONE",
            Op::Newtrue => "NEWTRUE",
            Op::Newfalse => "NEWFALSE",
            Op::Unicode => "UNICODE",
            Op::ShortBinunicode => "SHORT_BINUNICODE",
            Op::Binunicode => "BINUNICODE",
            Op::Binunicode8 => "BINUNICODE8",
            Op::Float => "FLOAT",
            Op::Binfloat => "BINFLOAT",
            Op::EmptyList => "EMPTY_LIST",
            Op::Append => "APPEND",
            Op::Appends => "APPENDS",
            Op::List => "LIST",
            Op::EmptyTuple => "EMPTY_TUPLE",
            Op::Tuple => "TUPLE",
            Op::Tuple1 => "TUPLE1",
            Op::Tuple2 => "TUPLE2",
            Op::Tuple3 => "TUPLE3",
            Op::EmptyDict => "EMPTY_DICT",
            Op::Dict => "DICT",
            Op::Setitem => "SETITEM",
            Op::Setitems => "SETITEMS",
            Op::EmptySet => "EMPTY_SET",
            Op::Additems => "ADDITEMS",
            Op::Frozenset => "FROZENSET",
            Op::Pop => "POP",
            Op::Dup => "DUP",
            Op::Mark => "MARK",
            Op::PopMark => "POP_MARK",
            Op::Get => "GET",
            Op::Binget => "BINGET",
            Op::LongBinget => "LONG_BINGET",
            Op::Put => "PUT",
            Op::Binput => "BINPUT",
            Op::LongBinput => "LONG_BINPUT",
            Op::Memoize => "MEMOIZE",
            Op::Ext1 => "EXT1",
            Op::Ext2 => "EXT2",
            Op::Ext4 => "EXT4",
            Op::Global => "GLOBAL",
            Op::StackGlobal => "STACK_GLOBAL",
            Op::Reduce => "REDUCE",
            Op::Build => "BUILD",
            Op::Inst => "INST",
            Op::Obj => "OBJ",
            Op::Newobj => "NEWOBJ",
            Op::NewobjEx => "NEWOBJ_EX",
            Op::Proto => "PROTO",
            Op::Stop => "STOP",
            Op::Frame => "FRAME",
            Op::Persid => "PERSID",
            Op::Binpersid => "BINPERSID",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Op;

    #[test]
    fn every_byte_round_trips() {
        let mut known = 0;
        for b in 0..=255u8 {
            if let Some(op) = Op::from_byte(b) {
                assert_eq!(op as u8, b, "{}", op.name());
                known += 1;
            }
        }
        // protocols 0 to 5 define 68 opcodes
        assert_eq!(known, 68);
        assert_eq!(Op::from_byte(0x93), Some(Op::StackGlobal));
        assert_eq!(Op::StackGlobal.name(), "STACK_GLOBAL");
    }
}
