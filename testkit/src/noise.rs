//! Deterministic noise for fuzz-like tests and generated bench inputs, without a rand
//! dependency: the same sequence on every run and every machine.

/// A 64-bit linear congruential generator (Knuth's MMIX constants), seeded by its field.
pub struct Lcg(pub u64);

impl Lcg {
    /// The next 31 bits (the state's high bits: the low ones of an LCG repeat quickly).
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// The next byte: the state's top eight bits.
    pub fn next_byte(&mut self) -> u8 {
        (self.next_u64() >> 23) as u8
    }
}
