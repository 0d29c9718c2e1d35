//! A generated BDF for tests and the benchmark: `n` glyphs from U+0020 up, 16 px, varied boxes,
//! negative offsets, blank margins, a zero-size space, deterministic pseudo-random pixels.

use std::fmt::Write;

pub fn bdf(n: usize) -> Vec<u8> {
    let n = n.min(0xFFFF - 0x20);
    let mut s = String::with_capacity(n * 160);
    let _ = write!(
        s,
        "STARTFONT 2.1\nFONT -cpslim-Generated Sans-Medium-R-Normal--16-160-75-75-P-90-ISO10646-1\n\
         SIZE 16 75 75\nFONTBOUNDINGBOX 18 20 -2 -4\nSTARTPROPERTIES 2\nFONT_ASCENT 15\n\
         FONT_DESCENT 4\nENDPROPERTIES\nCHARS {n}\n"
    );
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut rnd = move |m: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % m
    };
    for i in 0..n {
        let code = 0x20 + i;
        if code == 0x20 {
            s.push_str("STARTCHAR space\nENCODING 32\nSWIDTH 500 0\nDWIDTH 6 0\nBBX 0 0 0 0\nBITMAP\nENDCHAR\n");
            continue;
        }
        let w = 4 + rnd(13) as u32;
        let h = 6 + rnd(13) as u32;
        let x = rnd(4) as i32 - 2;
        let y = rnd(6) as i32 - 4;
        let _ = write!(
            s,
            "STARTCHAR u{code:04X}\nENCODING {code}\nSWIDTH 600 0\nDWIDTH {} 0\nBBX {w} {h} {x} {y}\nBITMAP\n",
            w + 1
        );
        let bytes = w.div_ceil(8);
        for r in 0..h {
            let mut row = 0u32;
            if r > 0 && r + 1 < h {
                row = (rnd(1 << w) as u32) & ((1 << (w - 1)) - 2);
            }
            let _ = writeln!(
                s,
                "{:0width$X}",
                row << (bytes * 8 - w),
                width = bytes as usize * 2
            );
        }
        s.push_str("ENDCHAR\n");
    }
    s.push_str("ENDFONT\n");
    s.into_bytes()
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_font_reads() {
        let f = super::super::bdf::parse(&super::bdf(500)).expect("parse");
        assert_eq!(f.font.glyphs.len(), 500);
    }
}
