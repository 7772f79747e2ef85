/* parvis-icope: statement table and handlers. */
#ifndef PARVIS_ICOPE_H
#define PARVIS_ICOPE_H

struct req;

/* GET /icope/: the ICOPE start page (strong authentication). */
int	 icope_home(struct req *r);

#endif
