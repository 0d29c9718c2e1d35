//! BMP colour masks (16-bit files): where a channel sits and how wide it is.

/// A channel mask: where it sits and how wide it is.
#[derive(Debug, Clone, Copy)]
pub struct Mask {
    shift: u32,
    pub bits: u32,
}

impl Mask {
    pub fn new(m: u32) -> Option<Mask> {
        if m == 0 {
            return None;
        }
        let shift = m.trailing_zeros();
        let bits = (m >> shift).trailing_ones();
        // Holes in a mask, or more than 8 bits, are exotic formats no loader on a board reads.
        // (`checked_shr`: a full 32-bit mask shifts by 32, which `>>` may not.)
        if (m >> shift).checked_shr(bits).unwrap_or(0) != 0 || bits > 8 {
            return None;
        }
        Some(Mask { shift, bits })
    }
    pub fn get(self, v: u32) -> u8 {
        let x = (v >> self.shift) & ((1 << self.bits) - 1);
        // Replicate the top bits into the low ones, so full scale stays full scale.
        let mut out = x << (8 - self.bits);
        let mut filled = self.bits;
        while filled < 8 {
            out |= out >> filled;
            filled *= 2;
        }
        (out & 0xff) as u8
    }
}
