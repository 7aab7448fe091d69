//! PNG preview of a raster (8-bit greyscale, black on white).

use image::{ExtendedColorType, ImageEncoder, codecs::png::PngEncoder};

use crate::ReceiptError;
use crate::raster::Raster;

impl Raster {
    /// Encodes the raster as a greyscale PNG, one pixel per dot.
    pub fn to_png(&self) -> Result<Vec<u8>, ReceiptError> {
        let mut grey = Vec::with_capacity(self.width as usize * self.height as usize);
        for y in 0..self.height {
            for x in 0..self.width {
                grey.push(if self.get(x, y) { 0 } else { 255 });
            }
        }
        let mut out = Vec::new();
        PngEncoder::new(&mut out)
            .write_image(&grey, self.width, self.height, ExtendedColorType::L8)
            .map_err(|e| ReceiptError::Png(e.to_string()))?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::raster::Raster;

    #[test]
    fn png_round_trips_through_the_decoder() {
        let mut r = Raster::new(20, 10);
        r.fill(2, 3, 4, 5);
        let png = r.to_png().unwrap();
        let img = image::load_from_memory(&png).unwrap().to_luma8();
        assert_eq!((img.width(), img.height()), (20, 10));
        assert_eq!(img.get_pixel(2, 3).0, [0]);
        assert_eq!(img.get_pixel(0, 0).0, [255]);
    }
}
