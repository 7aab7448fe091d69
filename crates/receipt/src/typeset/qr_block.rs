//! QR codes: centred on their own, or at the right edge with text beside them.

use super::{Column, Item, Typesetter};
use crate::ReceiptError;
use crate::layout::Block;
use crate::qr::{MIN_MODULE_DOTS, QUIET_ZONE, QrMatrix};

impl Typesetter<'_> {
    pub(super) fn qr(&mut self, matrix: &QrMatrix) -> Result<(), ReceiptError> {
        let modules = matrix.width_with_quiet_zone();
        let content = self.column.width as u32;
        let fit = content / modules;
        if fit < MIN_MODULE_DOTS {
            return Err(ReceiptError::QrTooLarge { modules, width: content });
        }
        let module = fit.min(self.m.max_module);
        let side = modules * module;
        let x0 = self.column.left as u32 + (content - side) / 2;
        let y0 = self.y.round() as u32;
        self.items.push(Item::Qr { x: x0 + QUIET_ZONE * module, y: y0 + QUIET_ZONE * module, module, matrix: matrix.clone() });
        self.y = (y0 + side) as f32;
        Ok(())
    }

    pub(super) fn qr_beside(&mut self, matrix: &QrMatrix, beside: &[Block], then: &[Block]) -> Result<(), ReceiptError> {
        let modules = matrix.width_with_quiet_zone();
        let module = self.m.beside_module;
        let side = modules * module;
        let outer = self.column;
        let left = outer.left as u32;
        // The quiet zone only needs white paper: it may take the right margin.
        let right = ((outer.left + outer.width) as u32 + self.m.margin).min(self.width);
        // The column keeps at least half the width, or the code goes under it.
        if side > right.saturating_sub(left) / 2 {
            for block in beside {
                self.block(block)?;
            }
            self.qr(matrix)?;
            for block in then {
                self.block(block)?;
            }
            return Ok(());
        }
        let x0 = right - side;
        let top = self.y.round();
        self.y = top;
        let first = self.items.len();
        self.column = Column { left: outer.left, width: x0 as f32 - outer.left };
        for block in beside {
            self.block(block)?;
        }
        // A block of `then` stays in the column when that makes the whole
        // shorter than setting it under the code at full width.
        let column = self.column;
        let mut rest = then;
        while let Some((block, after)) = rest.split_first() {
            let (mark, y) = (self.items.len(), self.y);
            let before = (y - top).max(side as f32);
            self.column = outer;
            self.block(block)?;
            let full_width = self.y - y;
            self.items.truncate(mark);
            self.y = y;
            self.column = column;
            self.block(block)?;
            if (self.y - top).max(side as f32) >= before + full_width {
                self.items.truncate(mark);
                self.y = y;
                break;
            }
            rest = after;
        }
        self.column = outer;
        // The shorter of the two is centred on the taller.
        let text_h = (self.y - top).round() as u32;
        let height = text_h.max(side);
        if let Some(column_items) = self.items.get_mut(first..) {
            shift_down(column_items, (height - text_h) / 2);
        }
        let y0 = top as u32 + (height - side) / 2;
        self.items.push(Item::Qr { x: x0 + QUIET_ZONE * module, y: y0 + QUIET_ZONE * module, module, matrix: matrix.clone() });
        self.y = top + height as f32;
        for block in rest {
            self.block(block)?;
        }
        Ok(())
    }
}

/// Moves already placed items down by `dy` dots.
fn shift_down(items: &mut [Item], dy: u32) {
    for item in items {
        match item {
            Item::Text(line) => line.baseline += dy as f32,
            Item::Fill { y, .. } | Item::Qr { y, .. } | Item::Image { y, .. } => *y += dy,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::layout::{Align, Block, Layout, TextBlock, TextSize, Weight};
    use crate::qr::QrMatrix;
    use crate::{Item, Paper, Renderer};

    fn note(text: &str) -> Block {
        Block::Text(TextBlock { text: text.to_owned(), size: TextSize::Normal, weight: Weight::Regular, align: Align::Left })
    }

    #[test]
    fn blocks_go_beside_the_code_while_they_fit_its_height_then_under_it() {
        let qr = QrMatrix::encode("https://motcua.example/t/SAMPLE").unwrap();
        let then = (1..=8).map(|i| note(&format!("line {i}"))).collect();
        let layout = Layout { blocks: vec![Block::QrBeside { qr, beside: vec![note("line 0")], then }], max_lines: None };
        let page = Renderer::new().unwrap().typeset(&layout, Paper::Mm80).unwrap();
        let (qr_x, qr_bottom) = page
            .items
            .iter()
            .find_map(|i| match i {
                Item::Qr { x, y, module, matrix } => Some((*x, y + (matrix.width() + 4) * module)),
                _ => None,
            })
            .unwrap();
        let index = |l: &crate::TextLine| l.text.trim_start_matches("line ").parse::<u32>().unwrap();
        let beside: Vec<u32> = page.lines().filter(|l| l.baseline < qr_bottom as f32).map(index).collect();
        let under: Vec<u32> = page.lines().filter(|l| l.baseline > qr_bottom as f32).map(index).collect();
        assert!(page.lines().filter(|l| l.baseline < qr_bottom as f32).all(|l| l.x + l.width <= qr_x as f32));
        assert!(beside.len() >= 4 && !under.is_empty(), "{beside:?} beside, {under:?} under");
        // Reading order kept: the lines under the code follow those beside it.
        assert_eq!([beside, under].concat(), (0..=8).collect::<Vec<u32>>());
    }
}
