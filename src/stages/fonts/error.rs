//! Why a font was not read or not converted. The stage reports each as a warning on the font
//! ("BDF font not read: …") and leaves the file alone; only [`CharsetError`] stops the run.

/// A BDF the reader refuses. Most carry the line the reader stopped at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BdfError {
    #[error("empty file")]
    Empty,
    #[error("not a BDF font (no STARTFONT)")]
    NotBdf,
    #[error("unsupported BDF version {0}")]
    Version(String),
    #[error("vertical-only font (METRICSSET 1)")]
    VerticalOnly,
    #[error("no FONTBOUNDINGBOX")]
    NoFontBox,
    #[error("truncated: {0}")]
    Truncated(Truncated),
    /// The reader failed under the parser; the I/O error's text (errors are compared in tests).
    #[error("read error: {0}")]
    Read(String),
    #[error("line {line}: {kind}")]
    Line { line: usize, kind: BdfLineError },
}

/// Where a BDF ends too early.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Truncated {
    #[error("no CHARS line before the end of the file")]
    NoChars,
    #[error("the file ends before ENDFONT")]
    BeforeEndfont,
    #[error("the file ends inside a glyph")]
    InsideGlyph,
    #[error("the file ends inside a BITMAP")]
    InsideBitmap,
}

/// What is wrong at one line of a BDF.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BdfLineError {
    #[error("{what} needs {n} numbers")]
    Numbers { what: &'static str, n: usize },
    #[error("{what} {value} is out of range")]
    OutOfRange { what: &'static str, value: i64 },
    #[error("glyphs before the CHARS line")]
    GlyphsBeforeChars,
    #[error("ENDFONT before any CHARS line")]
    EndfontBeforeChars,
    #[error("expected STARTCHAR, found {0}")]
    ExpectedStartchar(String),
    #[error("glyph without BITMAP section (missing ENDCHAR?)")]
    NoBitmap,
    #[error("glyph without ENCODING")]
    NoEncoding,
    #[error("glyph without DWIDTH")]
    NoDwidth,
    #[error("glyph without BBX")]
    NoBbx,
    #[error("{0} inside a BITMAP (missing ENDCHAR?)")]
    KeywordInBitmap(String),
    #[error("expected ENDCHAR after {0} BITMAP rows (BBX height)")]
    ExtraRow(u32),
    #[error("BITMAP row is not hex")]
    NotHex,
    #[error("BITMAP row has {got} bytes, BBX width {width} needs {stride}")]
    RowBytes {
        got: usize,
        width: u32,
        stride: usize,
    },
    #[error("glyph has {rows} BITMAP rows, BBX height is {height}")]
    RowCount { rows: u32, height: u32 },
}

impl BdfLineError {
    pub(super) fn at(self, line: usize) -> BdfError {
        BdfError::Line { line, kind: self }
    }
}

/// A PCF the reader refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PcfError {
    #[error("offset overflow")]
    OffsetOverflow,
    #[error("truncated table")]
    TruncatedTable,
    #[error("not a PCF font (bad magic)")]
    BadMagic,
    #[error("{0} tables: not a PCF font")]
    TooManyTables(usize),
    #[error("table outside the file")]
    TableOutside,
    #[error("no accelerator table")]
    NoAccelerators,
    /// A required table (`METRICS`, `BITMAPS`, `BDF_ENCODINGS`) is missing.
    #[error("no {0} table")]
    NoTable(&'static str),
    #[error("{0} count larger than the table")]
    CountTooLarge(&'static str),
    #[error("bad encoding ranges")]
    EncodingRanges,
    #[error("encoding points past the glyphs")]
    EncodingPastGlyphs,
    #[error("glyph with negative width")]
    NegativeWidth,
    #[error("glyph with negative height")]
    NegativeHeight,
    #[error("too many code points share large glyphs")]
    SharedGlyphs,
}

/// Why a font could not be written in the asked format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("a glyph's metrics do not fit a PCF (over 32767)")]
    PcfMetrics,
    #[error("internal check failed: {0}")]
    PcfCheck(PcfError),
    #[error("internal check failed: the written PCF would draw differently")]
    PcfDiffers,
    #[error("{0}")]
    Lv(#[from] super::lvfont::Unfit),
    #[error("internal check failed: {0}")]
    LvCheck(LvFontError),
    #[error("internal check failed: the written LVGL font would draw differently")]
    LvDiffers,
    #[error(
        "every glyph is above U+FFFF, which PCF cannot address; --font-format lvfontbin can hold them"
    )]
    AllAstral,
}

/// Why a file is not an LVGL font CircuitPython reads right (for our own output: why it was
/// not written).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LvFontError {
    #[error("truncated")]
    Truncated,
    #[error("section at byte {at} has a bad size {size}")]
    BadSection { at: usize, size: usize },
    #[error("a head, cmap, loca or glyf section is missing")]
    MissingSection,
    #[error("no LVGL head magic (30 00 00 00)")]
    NoMagic,
    #[error("head section too short")]
    ShortHead,
    #[error("compressed glyphs: neither board reader decompresses")]
    Compressed,
    #[error("only integer advances at 1 bit per pixel are written")]
    NotOneBit,
    #[error("advance and x/y fields need at least 1 bit")]
    EmptyField,
    #[error("glyph header field wider than 32 bits")]
    WideField,
    #[error("loca count larger than the table")]
    LocaCount,
    #[error("cmap count larger than the table")]
    CmapCount,
    #[error("cmap format {0}: only formats 2 and 3 load reliably")]
    CmapFormat(u8),
    #[error("cmap lists U+{0:04X} outside its range")]
    OutsideRange(u32),
    #[error("U+{code:04X} maps to glyph id {id}, not in loca ({count})")]
    UnknownId { code: u32, id: usize, count: usize },
    #[error("glyph id {0} is mapped twice")]
    MappedTwice(usize),
    #[error("cmap ranges overlap (the core reader stops at the first)")]
    Overlap,
    #[error("glyph id 0 is not the empty record at the start of glyf")]
    FirstRecordNotEmpty,
    #[error("glyph id {0} does not start where the previous record ends (shared or out of order)")]
    Misplaced(usize),
    #[error("glyph id {id} is {w}×{h} pixels")]
    TooLarge { id: usize, w: u32, h: u32 },
    #[error("a glyph record runs past the glyf table")]
    PastGlyf,
    #[error("bytes left after the last glyph record")]
    TrailingBytes,
}

/// A `--charset` that names nothing this reader knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CharsetError {
    #[error(
        "--charset: `{0}` is not ascii, latin1, digits, auto, text:..., a code point (U+20AC) or a range (U+20-U+7E)"
    )]
    Item(String),
    #[error("--charset `{0}` names no characters")]
    Empty(String),
}
