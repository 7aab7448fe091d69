//! Ogg/Opus (RFC 7845) to mono PCM at [`SAMPLE_RATE`]: the `ogg` crate reads
//! the container, libopus (the reference decoder, built into the binary by the
//! `opus` crate) decodes the packets and resamples to our rate itself.

use std::io::Cursor;

use super::SAMPLE_RATE;

/// Opus timestamps (granule positions, pre-skip) count at 48 kHz whatever the rate.
const OPUS_CLOCK: u64 = 48_000;
/// The longest Opus packet is 120 ms.
const MAX_PACKET_SAMPLES: usize = SAMPLE_RATE as usize * 120 / 1000;

/// Decodes a whole Ogg/Opus file, mono or stereo (mixed down), to mono i16 at
/// [`SAMPLE_RATE`], honouring the header's pre-skip and output gain and the
/// end trim given by the last granule position. Errors are plain sentences.
pub(super) fn decode_ogg_opus(bytes: &[u8]) -> Result<Vec<i16>, String> {
    if bytes.is_empty() {
        return Err("empty file".to_owned());
    }
    let mut reader = ogg::PacketReader::new(Cursor::new(bytes));
    let first = reader.read_packet().map_err(|e| format!("not an Ogg file ({e})"))?.ok_or_else(|| "empty file".to_owned())?;
    let head = OpusHead::parse(&first.data)?;
    let serial = first.stream_serial();

    let mut decoder = opus::Decoder::new(SAMPLE_RATE, opus::Channels::Mono).map_err(|e| format!("Opus decoder: {e}"))?;
    if head.output_gain != 0 {
        decoder.set_gain(i32::from(head.output_gain)).map_err(|e| format!("Opus output gain: {e}"))?;
    }

    let mut pcm = Vec::new();
    let mut buf = vec![0i16; MAX_PACKET_SAMPLES];
    let mut packets = 0usize;
    let mut last_granule = None;
    while let Some(packet) = reader.read_packet().map_err(|e| format!("damaged Ogg data ({e})"))? {
        if packet.stream_serial() != serial {
            continue; // another logical stream (e.g. a chained file): only the first is played
        }
        packets += 1;
        if packets == 1 {
            if !packet.data.starts_with(b"OpusTags") {
                return Err("the second packet is not OpusTags".to_owned());
            }
            continue;
        }
        let n = decoder.decode(&packet.data, &mut buf, false).map_err(|e| format!("Opus packet {packets}: {e}"))?;
        pcm.extend_from_slice(&buf[..n]);
        if packet.absgp_page() != u64::MAX {
            last_granule = Some(packet.absgp_page());
        }
        if packet.last_in_stream() {
            break;
        }
    }
    if packets < 2 {
        return Err("no audio after the Opus headers".to_owned());
    }

    let to_rate = |t48: u64| usize::try_from(t48 * u64::from(SAMPLE_RATE) / OPUS_CLOCK).unwrap_or(usize::MAX);
    let skip = to_rate(u64::from(head.pre_skip)).min(pcm.len());
    // The final granule position is the exact length (plus pre-skip): it drops
    // the padding the encoder added to fill the last packet.
    let end = match last_granule {
        Some(g) if g >= u64::from(head.pre_skip) => to_rate(g).clamp(skip, pcm.len()),
        _ => pcm.len(),
    };
    pcm.truncate(end);
    pcm.drain(..skip);
    Ok(pcm)
}

/// The fields of the identification header that decoding needs.
struct OpusHead {
    pre_skip: u16,
    output_gain: i16,
}

impl OpusHead {
    fn parse(data: &[u8]) -> Result<OpusHead, String> {
        if !data.starts_with(b"OpusHead") {
            return Err("not Ogg/Opus (an Ogg file without an OpusHead header: Vorbis or FLAC?)".to_owned());
        }
        let field = |at: usize| data.get(at).copied().ok_or_else(|| "OpusHead header too short".to_owned());
        let version = field(8)?;
        if version >> 4 != 0 {
            return Err(format!("unsupported Opus header version {version}"));
        }
        let channels = field(9)?;
        let pre_skip = u16::from_le_bytes([field(10)?, field(11)?]);
        let output_gain = i16::from_le_bytes([field(16)?, field(17)?]);
        let mapping = field(18)?;
        if mapping != 0 || !(1..=2).contains(&channels) {
            return Err(format!("{channels} channels in mapping family {mapping}: only mono or stereo Opus can be used"));
        }
        Ok(OpusHead { pre_skip, output_gain })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chime() -> &'static [u8] {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/voice/clips/chime.ogg"))
    }

    #[test]
    fn the_chime_decodes_to_its_stated_length() {
        let pcm = decode_ogg_opus(chime()).unwrap();
        // generate.sh makes a 2.05 s chime (1.5 s tone started at 0.55 s).
        assert_eq!(pcm.len(), SAMPLE_RATE as usize * 205 / 100);
        assert!(pcm.iter().any(|&s| s.unsigned_abs() > 3000), "not silent");
    }

    #[test]
    fn garbage_and_truncated_files_are_refused_with_a_reason() {
        assert!(decode_ogg_opus(b"").unwrap_err().contains("empty"));
        assert!(decode_ogg_opus(b"RIFF....WAVEfmt ").unwrap_err().contains("not an Ogg file"));
        let bytes = chime();
        let pages: Vec<usize> = bytes.windows(4).enumerate().filter(|(_, w)| w == b"OggS").map(|(i, _)| i).collect();
        // Pages 0 and 1 are OpusHead and OpusTags: the headers alone are no clip.
        assert!(decode_ogg_opus(&bytes[..pages[2]]).unwrap_err().contains("no audio"));
    }

    #[test]
    fn head_with_many_channels_is_refused() {
        let mut head = b"OpusHead".to_vec();
        head.extend([1, 6, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 1]);
        assert!(OpusHead::parse(&head).err().unwrap().contains("only mono or stereo"));
    }
}
