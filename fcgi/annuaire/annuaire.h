/* parvis-annuaire: statement table and handlers. */
#ifndef PARVIS_ANNUAIRE_H
#define PARVIS_ANNUAIRE_H

struct req;

/* GET /annuaire/: the directory's start page. */
int	 annuaire_home(struct req *r);

#endif
