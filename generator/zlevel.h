/* zlevel: the zlib level of the deflate streams this thread starts (the workbook's zip members). */
#ifndef BP_ZLEVEL_H
#define BP_ZLEVEL_H

/* Streams the calling thread starts from now on use level lv (0..9) until zlevel_clear(). */
void zlevel_set(int lv);
void zlevel_clear(void);

#endif
