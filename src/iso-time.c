/* iso-time.c: ISO 8601 times as other tools write them (Label Studio's
 * "2022-12-27T21:04:40.495704Z", with or without a fraction and a zone)
 * <-> ms since the epoch, UTC. Pure: no clock, no locale. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "boxel/util.h"

/* n digits at *p as a number; -1 when one is not a digit. */
static int
digits(const char **p, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (*(*p)++ - '0');
	}
	return v;
}

static int
days_in(int year, int month)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : d[month - 1];
}

int
bx_iso_time_parse(const char *s, int64_t *ms_out)
{
	const char *p = s;
	int y, mo, d, h, mi, sec, ms = 0, place = 100, zone = 0, zh, zm;
	struct tm tm;

	if ((y = digits(&p, 4)) < 0 || *p++ != '-' || (mo = digits(&p, 2)) < 0 || *p++ != '-' ||
	    (d = digits(&p, 2)) < 0 || (*p != 'T' && *p != 't' && *p != ' '))
		return -1;
	p++;
	if ((h = digits(&p, 2)) < 0 || *p++ != ':' || (mi = digits(&p, 2)) < 0 ||
	    *p++ != ':' || (sec = digits(&p, 2)) < 0)
		return -1;
	if (*p == '.' || *p == ',') {
		/* any number of digits; ms are the first three (not rounded:
		 * .9999 would move the second) */
		if (*++p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++, place /= 10)
			ms += (*p - '0') * place;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;

		if ((zh = digits(&p, 2)) < 0)
			return -1;
		if (*p == ':')
			p++;
		if ((zm = digits(&p, 2)) < 0 || zh > 23 || zm > 59)
			return -1;
		zone = sign * (zh * 60 + zm);
	}
	if (*p != '\0' || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo) ||
	    h > 23 || mi > 59 || sec > 59)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*ms_out = ((int64_t)timegm(&tm) - (int64_t)zone * 60) * 1000 + ms;
	return *ms_out < 0 ? -1 : 0;
}

void
bx_iso_time_put(int64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char day[24];

	gmtime_r(&t, &tm);
	strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%s.%03dZ", day, (int)(ms % 1000));
}
