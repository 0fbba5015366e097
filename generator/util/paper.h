/* paper: the paper sizes a pack is printed on, for the configuration, the typesetter and the
 * PDF writer. */
#ifndef BP_PAPER_H
#define BP_PAPER_H

enum paper { PAPER_A4, PAPER_LETTER };

#endif
