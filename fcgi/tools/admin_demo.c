/*
 * parvis-admin demo-data: synthetic accounts of every role so that every
 * screen of a local demo has someone to show it to.  Idempotent: existing
 * logins are left alone.  Never run against production: it refuses when
 * the configuration says so.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "config.h"

#define DEMO_PASSWORD	"Parvis-Demo-2026!"

struct demo_user {
	const char	*login;
	const char	*email;
	const char	*first;
	const char	*last;
	const char	*mobile;
	const char	*profession;
	const char	*roles[3];
};

static const struct demo_user demo_users[] = {
	{ "admin", "admin@parvis.localhost", "Alice", "Administratrice",
	  "0600000001", NULL, { "admin", "pro", NULL } },
	{ "support", "support@parvis.localhost", "Samuel", "Support",
	  "0600000002", NULL, { "support", NULL, NULL } },
	{ "dr.martin", "claire.martin@parvis.localhost", "Claire", "Martin",
	  "0600000003", "Médecin", { "pro", NULL, NULL } },
	{ "ide.bernard", "luc.bernard@parvis.localhost", "Luc", "Bernard",
	  "0600000004", "Infirmier", { "pro", NULL, NULL } },
	{ "coord.cpts", "nadia.roux@parvis.localhost", "Nadia", "Roux",
	  "0600000005", "Coordinatrice CPTS", { "pro", "cpts_manager:cpts:1", NULL } },
	{ "alerte.icope", "paul.garnier@parvis.localhost", "Paul", "Garnier",
	  "0600000006", "Infirmier", { "pro", "alert_manager:territory:1", NULL } },
};

int
admin_demo_data(void)
{
	size_t i, j, created = 0;

	if (config_bool("production", false)) {
		fputs("parvis-admin: refusing demo data: production = true\n", stderr);
		return 1;
	}
	for (i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]); i++) {
		const struct demo_user *u = &demo_users[i];
		long long uid = admin_user_id(u->login);

		if (uid != 0)
			continue;
		uid = admin_create_user(u->login, u->email, u->first, u->last,
		    DEMO_PASSWORD, u->mobile, u->profession, NULL);
		if (uid == 0)
			return 1;
		for (j = 0; j < 3 && u->roles[j] != NULL; j++)
			if (admin_grant(uid, u->roles[j], 1) != 0)
				return 1;
		created++;
	}
	printf("demo data: %zu account(s) created; every demo account's password"
	    " is %s\n", created, DEMO_PASSWORD);
	if (admin_demo_annuaire() != 0 || admin_demo_icope() != 0)
		return 1;
	return 0;
}
