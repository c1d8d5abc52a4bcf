#include "geo.h"

#include <string.h>

#include "rx.h"
#include "textscan.h"
#include "util.h"

/* ---- tables ---- */

static const struct { const char code[3]; const char *name; } states[] = {
	{ "AL", "Alabama" }, { "AK", "Alaska" }, { "AZ", "Arizona" }, { "AR", "Arkansas" },
	{ "CA", "California" }, { "CO", "Colorado" }, { "CT", "Connecticut" },
	{ "DE", "Delaware" }, { "DC", "District of Columbia" }, { "FL", "Florida" },
	{ "GA", "Georgia" }, { "HI", "Hawaii" }, { "ID", "Idaho" }, { "IL", "Illinois" },
	{ "IN", "Indiana" }, { "IA", "Iowa" }, { "KS", "Kansas" }, { "KY", "Kentucky" },
	{ "LA", "Louisiana" }, { "ME", "Maine" }, { "MD", "Maryland" },
	{ "MA", "Massachusetts" }, { "MI", "Michigan" }, { "MN", "Minnesota" },
	{ "MS", "Mississippi" }, { "MO", "Missouri" }, { "MT", "Montana" },
	{ "NE", "Nebraska" }, { "NV", "Nevada" }, { "NH", "New Hampshire" },
	{ "NJ", "New Jersey" }, { "NM", "New Mexico" }, { "NY", "New York" },
	{ "NC", "North Carolina" }, { "ND", "North Dakota" }, { "OH", "Ohio" },
	{ "OK", "Oklahoma" }, { "OR", "Oregon" }, { "PA", "Pennsylvania" },
	{ "RI", "Rhode Island" }, { "SC", "South Carolina" }, { "SD", "South Dakota" },
	{ "TN", "Tennessee" }, { "TX", "Texas" }, { "UT", "Utah" }, { "VT", "Vermont" },
	{ "VA", "Virginia" }, { "WA", "Washington" }, { "WV", "West Virginia" },
	{ "WI", "Wisconsin" }, { "WY", "Wyoming" },
};

/* AP style abbreviations, dots removed, lowercase. */
static const struct { const char *abbr; const char code[3]; } ap_abbr[] = {
	{ "ala", "AL" }, { "ariz", "AZ" }, { "ark", "AR" }, { "calif", "CA" }, { "cal", "CA" },
	{ "colo", "CO" }, { "conn", "CT" }, { "del", "DE" }, { "fla", "FL" }, { "ill", "IL" },
	{ "ind", "IN" }, { "kan", "KS" }, { "kans", "KS" }, { "mass", "MA" }, { "mich", "MI" },
	{ "minn", "MN" }, { "miss", "MS" }, { "mont", "MT" }, { "neb", "NE" }, { "nebr", "NE" },
	{ "nev", "NV" }, { "okla", "OK" }, { "ore", "OR" }, { "oreg", "OR" }, { "penn", "PA" },
	{ "tenn", "TN" }, { "tex", "TX" }, { "wash", "WA" }, { "wva", "WV" }, { "w va", "WV" },
	{ "wis", "WI" }, { "wisc", "WI" }, { "wyo", "WY" }, { "washington dc", "DC" },
	{ "washington d c", "DC" },
};

/*
 * The larger US cities (the 200 largest, state capitals and other job
 * centres), names normalized as norm_name() does: lowercase, no dots,
 * "st" -> "saint", "ft" -> "fort".
 */
static const struct { const char *name; const char st[3]; } cities[] = {
	{ "birmingham", "AL" }, { "montgomery", "AL" }, { "huntsville", "AL" }, { "mobile", "AL" },
	{ "tuscaloosa", "AL" }, { "hoover", "AL" }, { "dothan", "AL" }, { "auburn", "AL" },
	{ "anchorage", "AK" }, { "juneau", "AK" }, { "fairbanks", "AK" }, { "phoenix", "AZ" },
	{ "tucson", "AZ" }, { "scottsdale", "AZ" }, { "mesa", "AZ" }, { "chandler", "AZ" },
	{ "gilbert", "AZ" }, { "glendale", "AZ" }, { "tempe", "AZ" }, { "peoria", "AZ" },
	{ "surprise", "AZ" }, { "flagstaff", "AZ" }, { "yuma", "AZ" }, { "goodyear", "AZ" },
	{ "little rock", "AR" }, { "fayetteville", "AR" }, { "fort smith", "AR" },
	{ "springdale", "AR" }, { "jonesboro", "AR" }, { "bentonville", "AR" }, { "rogers", "AR" },
	{ "los angeles", "CA" }, { "san francisco", "CA" }, { "san diego", "CA" },
	{ "sacramento", "CA" }, { "san jose", "CA" }, { "oakland", "CA" }, { "irvine", "CA" },
	{ "fresno", "CA" }, { "long beach", "CA" }, { "bakersfield", "CA" }, { "anaheim", "CA" },
	{ "santa ana", "CA" }, { "riverside", "CA" }, { "stockton", "CA" }, { "chula vista", "CA" },
	{ "fremont", "CA" }, { "san bernardino", "CA" }, { "modesto", "CA" }, { "fontana", "CA" },
	{ "moreno valley", "CA" }, { "santa clarita", "CA" }, { "oxnard", "CA" },
	{ "glendale", "CA" }, { "huntington beach", "CA" }, { "ontario", "CA" },
	{ "rancho cucamonga", "CA" }, { "santa rosa", "CA" }, { "oceanside", "CA" },
	{ "elk grove", "CA" }, { "garden grove", "CA" }, { "corona", "CA" }, { "hayward", "CA" },
	{ "lancaster", "CA" }, { "salinas", "CA" }, { "palmdale", "CA" }, { "sunnyvale", "CA" },
	{ "pomona", "CA" }, { "escondido", "CA" }, { "torrance", "CA" }, { "roseville", "CA" },
	{ "pasadena", "CA" }, { "orange", "CA" }, { "fullerton", "CA" }, { "visalia", "CA" },
	{ "santa clara", "CA" }, { "concord", "CA" }, { "thousand oaks", "CA" },
	{ "simi valley", "CA" }, { "victorville", "CA" }, { "vallejo", "CA" }, { "berkeley", "CA" },
	{ "fairfield", "CA" }, { "murrieta", "CA" }, { "el monte", "CA" }, { "carlsbad", "CA" },
	{ "temecula", "CA" }, { "clovis", "CA" }, { "costa mesa", "CA" }, { "antioch", "CA" },
	{ "downey", "CA" }, { "richmond", "CA" }, { "jurupa valley", "CA" }, { "ventura", "CA" },
	{ "inglewood", "CA" }, { "santa maria", "CA" }, { "daly city", "CA" }, { "west covina", "CA" },
	{ "san mateo", "CA" }, { "norwalk", "CA" }, { "rialto", "CA" }, { "chico", "CA" },
	{ "el cajon", "CA" }, { "burbank", "CA" }, { "vista", "CA" }, { "vacaville", "CA" },
	{ "palo alto", "CA" }, { "mountain view", "CA" }, { "santa monica", "CA" },
	{ "redwood city", "CA" }, { "menlo park", "CA" }, { "santa barbara", "CA" },
	{ "newport beach", "CA" }, { "san rafael", "CA" }, { "walnut creek", "CA" },
	{ "pleasanton", "CA" }, { "cupertino", "CA" }, { "south san francisco", "CA" },
	{ "emeryville", "CA" }, { "culver city", "CA" }, { "denver", "CO" }, { "colorado springs", "CO" },
	{ "boulder", "CO" }, { "aurora", "CO" }, { "fort collins", "CO" }, { "lakewood", "CO" },
	{ "thornton", "CO" }, { "arvada", "CO" }, { "westminster", "CO" }, { "pueblo", "CO" },
	{ "centennial", "CO" }, { "greeley", "CO" }, { "longmont", "CO" }, { "loveland", "CO" },
	{ "broomfield", "CO" }, { "englewood", "CO" }, { "littleton", "CO" }, { "grand junction", "CO" },
	{ "hartford", "CT" }, { "stamford", "CT" }, { "new haven", "CT" }, { "bridgeport", "CT" },
	{ "waterbury", "CT" }, { "norwalk", "CT" }, { "danbury", "CT" }, { "greenwich", "CT" },
	{ "new britain", "CT" }, { "wilmington", "DE" }, { "dover", "DE" }, { "newark", "DE" },
	{ "washington", "DC" }, { "miami", "FL" }, { "tampa", "FL" }, { "orlando", "FL" },
	{ "jacksonville", "FL" }, { "fort lauderdale", "FL" }, { "tallahassee", "FL" },
	{ "saint petersburg", "FL" }, { "hialeah", "FL" }, { "port saint lucie", "FL" },
	{ "cape coral", "FL" }, { "pembroke pines", "FL" }, { "hollywood", "FL" },
	{ "miramar", "FL" }, { "gainesville", "FL" }, { "coral springs", "FL" },
	{ "clearwater", "FL" }, { "palm bay", "FL" }, { "lakeland", "FL" }, { "pompano beach", "FL" },
	{ "west palm beach", "FL" }, { "miami gardens", "FL" }, { "davie", "FL" },
	{ "boca raton", "FL" }, { "sarasota", "FL" }, { "naples", "FL" }, { "pensacola", "FL" },
	{ "daytona beach", "FL" }, { "fort myers", "FL" }, { "melbourne", "FL" },
	{ "ocala", "FL" }, { "kissimmee", "FL" }, { "sunrise", "FL" }, { "plantation", "FL" },
	{ "deerfield beach", "FL" }, { "boynton beach", "FL" }, { "jupiter", "FL" },
	{ "doral", "FL" }, { "coral gables", "FL" }, { "miami beach", "FL" }, { "delray beach", "FL" },
	{ "maitland", "FL" }, { "atlanta", "GA" }, { "savannah", "GA" }, { "augusta", "GA" },
	{ "columbus", "GA" }, { "macon", "GA" }, { "athens", "GA" }, { "sandy springs", "GA" },
	{ "alpharetta", "GA" }, { "marietta", "GA" }, { "roswell", "GA" }, { "duluth", "GA" },
	{ "albany", "GA" }, { "kennesaw", "GA" }, { "norcross", "GA" }, { "honolulu", "HI" },
	{ "hilo", "HI" }, { "kailua", "HI" }, { "boise", "ID" }, { "idaho falls", "ID" },
	{ "meridian", "ID" }, { "nampa", "ID" }, { "pocatello", "ID" }, { "coeur d'alene", "ID" },
	{ "chicago", "IL" }, { "springfield", "IL" }, { "naperville", "IL" }, { "peoria", "IL" },
	{ "aurora", "IL" }, { "joliet", "IL" }, { "rockford", "IL" }, { "elgin", "IL" },
	{ "champaign", "IL" }, { "evanston", "IL" }, { "schaumburg", "IL" }, { "oak brook", "IL" },
	{ "bloomington", "IL" }, { "downers grove", "IL" }, { "deerfield", "IL" },
	{ "lombard", "IL" }, { "indianapolis", "IN" }, { "fort wayne", "IN" }, { "evansville", "IN" },
	{ "south bend", "IN" }, { "carmel", "IN" }, { "fishers", "IN" }, { "bloomington", "IN" },
	{ "lafayette", "IN" }, { "gary", "IN" }, { "des moines", "IA" }, { "cedar rapids", "IA" },
	{ "davenport", "IA" }, { "sioux city", "IA" }, { "iowa city", "IA" }, { "west des moines", "IA" },
	{ "ames", "IA" }, { "wichita", "KS" }, { "overland park", "KS" }, { "kansas city", "KS" },
	{ "olathe", "KS" }, { "topeka", "KS" }, { "lawrence", "KS" }, { "lenexa", "KS" },
	{ "louisville", "KY" }, { "lexington", "KY" }, { "bowling green", "KY" },
	{ "frankfort", "KY" }, { "owensboro", "KY" }, { "covington", "KY" }, { "new orleans", "LA" },
	{ "baton rouge", "LA" }, { "shreveport", "LA" }, { "lafayette", "LA" }, { "lake charles", "LA" },
	{ "metairie", "LA" }, { "monroe", "LA" }, { "portland", "ME" }, { "bangor", "ME" },
	{ "augusta", "ME" }, { "lewiston", "ME" }, { "south portland", "ME" }, { "baltimore", "MD" },
	{ "bethesda", "MD" }, { "annapolis", "MD" }, { "rockville", "MD" }, { "columbia", "MD" },
	{ "silver spring", "MD" }, { "frederick", "MD" }, { "gaithersburg", "MD" },
	{ "towson", "MD" }, { "boston", "MA" }, { "worcester", "MA" }, { "cambridge", "MA" },
	{ "springfield", "MA" }, { "lowell", "MA" }, { "quincy", "MA" }, { "newton", "MA" },
	{ "waltham", "MA" }, { "burlington", "MA" }, { "somerville", "MA" }, { "framingham", "MA" },
	{ "detroit", "MI" }, { "grand rapids", "MI" }, { "ann arbor", "MI" }, { "lansing", "MI" },
	{ "warren", "MI" }, { "sterling heights", "MI" }, { "troy", "MI" }, { "southfield", "MI" },
	{ "kalamazoo", "MI" }, { "flint", "MI" }, { "dearborn", "MI" }, { "livonia", "MI" },
	{ "novi", "MI" }, { "minneapolis", "MN" }, { "saint paul", "MN" }, { "rochester", "MN" },
	{ "duluth", "MN" }, { "bloomington", "MN" }, { "eagan", "MN" }, { "minnetonka", "MN" },
	{ "plymouth", "MN" }, { "saint cloud", "MN" }, { "eden prairie", "MN" },
	{ "jackson", "MS" }, { "gulfport", "MS" }, { "hattiesburg", "MS" }, { "biloxi", "MS" },
	{ "southaven", "MS" }, { "kansas city", "MO" }, { "saint louis", "MO" },
	{ "springfield", "MO" }, { "columbia", "MO" }, { "independence", "MO" },
	{ "jefferson city", "MO" }, { "chesterfield", "MO" }, { "lee's summit", "MO" },
	{ "billings", "MT" }, { "missoula", "MT" }, { "helena", "MT" }, { "bozeman", "MT" },
	{ "great falls", "MT" }, { "omaha", "NE" }, { "lincoln", "NE" }, { "las vegas", "NV" },
	{ "reno", "NV" }, { "henderson", "NV" }, { "north las vegas", "NV" }, { "sparks", "NV" },
	{ "carson city", "NV" }, { "manchester", "NH" }, { "nashua", "NH" }, { "concord", "NH" },
	{ "portsmouth", "NH" }, { "newark", "NJ" }, { "jersey city", "NJ" }, { "princeton", "NJ" },
	{ "paterson", "NJ" }, { "elizabeth", "NJ" }, { "trenton", "NJ" }, { "edison", "NJ" },
	{ "woodbridge", "NJ" }, { "lakewood", "NJ" }, { "hoboken", "NJ" }, { "camden", "NJ" },
	{ "morristown", "NJ" }, { "parsippany", "NJ" }, { "new brunswick", "NJ" },
	{ "albuquerque", "NM" }, { "santa fe", "NM" }, { "las cruces", "NM" }, { "rio rancho", "NM" },
	{ "new york", "NY" }, { "new york city", "NY" }, { "brooklyn", "NY" }, { "manhattan", "NY" },
	{ "queens", "NY" }, { "bronx", "NY" }, { "buffalo", "NY" }, { "rochester", "NY" },
	{ "albany", "NY" }, { "syracuse", "NY" }, { "yonkers", "NY" }, { "white plains", "NY" },
	{ "long island city", "NY" }, { "ithaca", "NY" }, { "utica", "NY" }, { "charlotte", "NC" },
	{ "raleigh", "NC" }, { "durham", "NC" }, { "asheville", "NC" }, { "greensboro", "NC" },
	{ "winston-salem", "NC" }, { "fayetteville", "NC" }, { "cary", "NC" }, { "wilmington", "NC" },
	{ "high point", "NC" }, { "chapel hill", "NC" }, { "concord", "NC" }, { "greenville", "NC" },
	{ "fargo", "ND" }, { "bismarck", "ND" }, { "grand forks", "ND" }, { "minot", "ND" },
	{ "columbus", "OH" }, { "cleveland", "OH" }, { "cincinnati", "OH" }, { "toledo", "OH" },
	{ "akron", "OH" }, { "dayton", "OH" }, { "canton", "OH" }, { "youngstown", "OH" },
	{ "dublin", "OH" }, { "oklahoma city", "OK" }, { "tulsa", "OK" }, { "norman", "OK" },
	{ "broken arrow", "OK" }, { "edmond", "OK" }, { "portland", "OR" }, { "eugene", "OR" },
	{ "salem", "OR" }, { "gresham", "OR" }, { "hillsboro", "OR" }, { "bend", "OR" },
	{ "beaverton", "OR" }, { "medford", "OR" }, { "philadelphia", "PA" }, { "pittsburgh", "PA" },
	{ "harrisburg", "PA" }, { "allentown", "PA" }, { "erie", "PA" }, { "reading", "PA" },
	{ "scranton", "PA" }, { "lancaster", "PA" }, { "bethlehem", "PA" }, { "king of prussia", "PA" },
	{ "wilkes-barre", "PA" }, { "state college", "PA" }, { "providence", "RI" },
	{ "warwick", "RI" }, { "cranston", "RI" }, { "pawtucket", "RI" }, { "charleston", "SC" },
	{ "columbia", "SC" }, { "greenville", "SC" }, { "north charleston", "SC" },
	{ "mount pleasant", "SC" }, { "rock hill", "SC" }, { "spartanburg", "SC" },
	{ "myrtle beach", "SC" }, { "sioux falls", "SD" }, { "rapid city", "SD" },
	{ "pierre", "SD" }, { "nashville", "TN" }, { "memphis", "TN" }, { "knoxville", "TN" },
	{ "chattanooga", "TN" }, { "clarksville", "TN" }, { "murfreesboro", "TN" },
	{ "franklin", "TN" }, { "brentwood", "TN" }, { "johnson city", "TN" }, { "houston", "TX" },
	{ "dallas", "TX" }, { "austin", "TX" }, { "san antonio", "TX" }, { "fort worth", "TX" },
	{ "el paso", "TX" }, { "plano", "TX" }, { "arlington", "TX" }, { "corpus christi", "TX" },
	{ "laredo", "TX" }, { "lubbock", "TX" }, { "garland", "TX" }, { "irving", "TX" },
	{ "amarillo", "TX" }, { "grand prairie", "TX" }, { "brownsville", "TX" },
	{ "mckinney", "TX" }, { "frisco", "TX" }, { "pasadena", "TX" }, { "killeen", "TX" },
	{ "mesquite", "TX" }, { "mcallen", "TX" }, { "midland", "TX" }, { "denton", "TX" },
	{ "waco", "TX" }, { "carrollton", "TX" }, { "round rock", "TX" }, { "abilene", "TX" },
	{ "pearland", "TX" }, { "richardson", "TX" }, { "odessa", "TX" }, { "sugar land", "TX" },
	{ "beaumont", "TX" }, { "college station", "TX" }, { "lewisville", "TX" },
	{ "league city", "TX" }, { "tyler", "TX" }, { "allen", "TX" }, { "wichita falls", "TX" },
	{ "edinburg", "TX" }, { "san angelo", "TX" }, { "the woodlands", "TX" },
	{ "katy", "TX" }, { "addison", "TX" }, { "salt lake city", "UT" }, { "provo", "UT" },
	{ "ogden", "UT" }, { "west valley city", "UT" }, { "west jordan", "UT" },
	{ "orem", "UT" }, { "sandy", "UT" }, { "saint george", "UT" }, { "lehi", "UT" },
	{ "burlington", "VT" }, { "montpelier", "VT" }, { "south burlington", "VT" },
	{ "rutland", "VT" }, { "richmond", "VA" }, { "virginia beach", "VA" }, { "arlington", "VA" },
	{ "norfolk", "VA" }, { "chesapeake", "VA" }, { "newport news", "VA" }, { "alexandria", "VA" },
	{ "hampton", "VA" }, { "roanoke", "VA" }, { "reston", "VA" }, { "mclean", "VA" },
	{ "herndon", "VA" }, { "fairfax", "VA" }, { "charlottesville", "VA" }, { "tysons", "VA" },
	{ "lynchburg", "VA" }, { "seattle", "WA" }, { "spokane", "WA" }, { "tacoma", "WA" },
	{ "bellevue", "WA" }, { "vancouver", "WA" }, { "kent", "WA" }, { "everett", "WA" },
	{ "renton", "WA" }, { "spokane valley", "WA" }, { "redmond", "WA" }, { "kirkland", "WA" },
	{ "olympia", "WA" }, { "yakima", "WA" }, { "bellingham", "WA" }, { "charleston", "WV" },
	{ "morgantown", "WV" }, { "huntington", "WV" }, { "parkersburg", "WV" },
	{ "wheeling", "WV" }, { "milwaukee", "WI" }, { "madison", "WI" }, { "green bay", "WI" },
	{ "kenosha", "WI" }, { "racine", "WI" }, { "appleton", "WI" }, { "waukesha", "WI" },
	{ "eau claire", "WI" }, { "oshkosh", "WI" }, { "cheyenne", "WY" }, { "casper", "WY" },
	{ "laramie", "WY" }, { "gillette", "WY" },
};

/* Canadian provinces and countries: a place "outside the US". */
static const char *const foreign_words[] = {
	"canada", "on", "bc", "ab", "qc", "mb", "sk", "ns", "nb", "nl", "pe", "pei", "yt", "nt",
	"ontario", "british columbia", "alberta", "quebec", "manitoba", "saskatchewan",
	"nova scotia", "new brunswick", "newfoundland", "mexico", "uk", "united kingdom",
	"england", "scotland", "ireland", "germany", "france", "spain", "portugal",
	"netherlands", "india", "philippines", "australia", "brazil", "poland", "israel",
	"singapore", "japan", "china", "costa rica", "colombia", "argentina", "puerto rico",
	"emea", "apac", "latam", "europe",
};

static const char *const us_words[] = {
	"us", "usa", "u s", "u s a", "united states", "united states of america",
	"us only", "usa only", "us based", "us-based", "anywhere in the us",
	"anywhere in the united states", "nationwide", "america",
};

/* Words that state the workplace and are not places. */
static const char *const workplace_words[] = {
	"remote", "fully remote", "100% remote", "remote only", "remote first",
	"remote-first", "hybrid", "hybrid remote", "onsite", "on-site", "on site",
	"in office", "in-office", "in person", "in-person", "work from home", "wfh",
	"telecommute", "anywhere", "flexible", "multiple locations", "various locations",
	"various", "tbd", "n/a", "remote eligible", "remote-eligible", "none", "null",
	"not specified", "full-time", "full time", "part-time", "part time", "contract",
	"temporary", "internship", "travel", "field", "field based", "field-based",
};

/* ---- small helpers ---- */

static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
static int ascii_blank(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/*
 * Normalize a name for table lookups: lowercase ASCII, dots dropped,
 * blanks (incl. NBSP) folded, "st"/"ft" words spelled out, trimmed.
 * Returns the length, or -1 if it does not fit.
 */
static int norm_name(const char *p, size_t n, char *dst, size_t cap)
{
	size_t k = 0;
	int space = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == 0xC2 && i + 1 < n && (unsigned char)p[i + 1] == 0xA0) {
			i++;
			c = ' ';
		}
		if (c == '.' || c == '*' || c == '_' || c == '`')
			continue;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = k > 0;
			continue;
		}
		if (space) {
			if (k + 1 >= cap)
				return -1;
			dst[k++] = ' ';
			space = 0;
		}
		if (k + 1 >= cap)
			return -1;
		dst[k++] = (char)lower(c);
	}
	dst[k] = '\0';
	/* "st louis" -> "saint louis", "ft worth" -> "fort worth" */
	for (size_t i = 0; i + 3 <= k; i++) {
		if ((i == 0 || dst[i - 1] == ' ') && (dst[i] == 's' || dst[i] == 'f') &&
		    dst[i + 1] == 't' && dst[i + 2] == ' ') {
			const char *full = dst[i] == 's' ? "saint" : "fort";
			size_t fl = strlen(full);
			if (k + fl - 2 + 1 > cap)
				return -1;
			memmove(dst + i + fl, dst + i + 2, k - i - 2 + 1);
			memcpy(dst + i, full, fl);
			k += fl - 2;
		}
	}
	return (int)k;
}

static int in_list(const char *low, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(low, list[i]) == 0)
			return 1;
	return 0;
}

#define IN_LIST(low, list) in_list((low), (list), sizeof(list) / sizeof((list)[0]))

static const char *state_by_name_norm(const char *low)
{
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
		const char *a = states[i].name, *b = low;
		while (*a && lower((unsigned char)*a) == *b) {
			a++;
			b++;
		}
		if (!*a && !*b)
			return states[i].code;
	}
	return NULL;
}

static const char *state_by_code(const char *p, size_t n, int anycase)
{
	if (n != 2)
		return NULL;
	char a = p[0], b = p[1];
	if (!anycase && !(is_upper((unsigned char)a) && is_upper((unsigned char)b)))
		return NULL;
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
		if (lower((unsigned char)a) == lower((unsigned char)states[i].code[0]) &&
		    lower((unsigned char)b) == lower((unsigned char)states[i].code[1]))
			return states[i].code;
	return NULL;
}

/* Trim blanks, emphasis markers and trailing punctuation. */
static struct slice trim_value(struct slice s)
{
	while (s.n && (ascii_blank(s.p[0]) || s.p[0] == '*' || s.p[0] == '_' || s.p[0] == '`'))
		s.p++, s.n--;
	while (s.n && (ascii_blank(s.p[s.n - 1]) || s.p[s.n - 1] == '*' || s.p[s.n - 1] == '_' ||
		       s.p[s.n - 1] == '`' || s.p[s.n - 1] == ',' || s.p[s.n - 1] == ';'))
		s.n--;
	return s;
}

/*
 * A state from a written name: the full name (any case), the code
 * (upper case only unless anycase), or an AP abbreviation ("Fla.").
 */
static const char *state_of(struct slice s, int anycase)
{
	s = trim_value(s);
	while (s.n && s.p[s.n - 1] == '.' && !(s.n >= 2 && is_upper((unsigned char)s.p[s.n - 2]) &&
					       s.n >= 3 && s.p[s.n - 3] == '.'))
		s.n--;
	const char *c = state_by_code(s.p, s.n, anycase);
	if (c)
		return c;
	char low[48];
	if (norm_name(s.p, s.n, low, sizeof low) < 0)
		return NULL;
	if ((c = state_by_name_norm(low)))
		return c;
	if (strlen(low) == 2 && memchr(s.p, '.', s.n) && (c = state_by_code(low, 2, 1)))
		return c;   /* "N.Y." */
	if (strcmp(low, "dc") == 0)
		return "DC";
	for (size_t i = 0; i < sizeof ap_abbr / sizeof ap_abbr[0]; i++)
		if (strcmp(low, ap_abbr[i].abbr) == 0)
			return ap_abbr[i].code;
	return NULL;
}

const char *geo_state_code(struct slice name_or_code)
{
	return state_of(name_or_code, 1);
}

const char *geo_state_name(const char *code)
{
	if (!code)
		return NULL;
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
		if (strcmp(states[i].code, code) == 0)
			return states[i].name;
	return NULL;
}

/* The state of a normalized city name; NULL if unknown or in several states. */
static const char *city_state_norm(const char *low, int *known)
{
	const char *st = NULL;
	*known = 0;
	for (size_t i = 0; i < sizeof cities / sizeof cities[0]; i++) {
		if (strcmp(cities[i].name, low) != 0)
			continue;
		if (st && strcmp(st, cities[i].st) != 0)
			return NULL;
		st = cities[i].st;
		*known = 1;
	}
	return st;
}

const char *geo_city_state(struct slice city)
{
	char low[80];
	int known;
	if (norm_name(city.p, city.n, low, sizeof low) < 0)
		return NULL;
	return city_state_norm(low, &known);
}

int geo_city_in_state(struct slice city, const char *state)
{
	char low[80];
	if (!state || norm_name(city.p, city.n, low, sizeof low) < 0)
		return 0;
	for (size_t i = 0; i < sizeof cities / sizeof cities[0]; i++)
		if (strcmp(cities[i].name, low) == 0 && strcmp(cities[i].st, state) == 0)
			return 1;
	return 0;
}

/* ---- location values ---- */

struct place {
	char city[80];
	const char *state;
	int foreign;
};

/*
 * Copy a value into dst for parsing: emphasis markers dropped, NBSP, tabs
 * and line breaks as spaces, blanks folded, leading symbols (emoji, '#',
 * bullets, '-', '>') and trailing blanks and punctuation dropped.
 */
static size_t clean_value(const char *p, size_t n, char *dst, size_t cap)
{
	size_t i = 0, k = 0;
	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		if ((c < 0x80 && (is_alpha(c) || (c >= '0' && c <= '9') || c == '(')))
			break;
		i++;
	}
	int space = 0;
	for (; i < n && k + 2 < cap; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == 0xC2 && i + 1 < n && (unsigned char)p[i + 1] == 0xA0) {
			i++;
			c = ' ';
		}
		if (c == '*' || c == '`' || c == '_')
			continue;
		if (ascii_blank(c)) {
			space = k > 0;
			continue;
		}
		if (space) {
			dst[k++] = ' ';
			space = 0;
		}
		dst[k++] = (char)c;
	}
	while (k && (dst[k - 1] == '.' || dst[k - 1] == ',' || dst[k - 1] == ';' ||
		     dst[k - 1] == ':' || dst[k - 1] == '!'))
		k--;
	dst[k] = '\0';
	return k;
}

static void lower_copy(const char *p, size_t n, char *dst)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (char)lower((unsigned char)p[i]);
	dst[n] = '\0';
}

/* Does `low` hold `w` as a whole word? */
static int has_word(const char *low, const char *w)
{
	size_t m = strlen(w);
	for (const char *q = low; (q = strstr(q, w)); q++) {
		if ((q == low || !is_alpha((unsigned char)q[-1])) && !is_alpha((unsigned char)q[m]))
			return 1;
	}
	return 0;
}

static enum workplace workplace_of(const char *low)
{
	if (has_word(low, "hybrid"))
		return WORKPLACE_HYBRID;
	if (has_word(low, "remote") || has_word(low, "work from home") || has_word(low, "wfh") ||
	    has_word(low, "telecommute") || has_word(low, "telework"))
		return WORKPLACE_REMOTE;
	if (has_word(low, "on-site") || has_word(low, "onsite") || has_word(low, "on site") ||
	    has_word(low, "in office") || has_word(low, "in-office") || has_word(low, "in person") ||
	    has_word(low, "in-person"))
		return WORKPLACE_ONSITE;
	return WORKPLACE_NONE;
}

/* Words of organization names: "Bayside Medical Group, PA" is no place. */
static const char *const org_words[] = {
	"group", "associates", "partners", "practice", "pediatrics", "medicine", "clinic",
	"clinics", "services", "systems", "health", "healthcare", "inc", "llc", "llp", "pc",
	"company", "corp", "corporation", "foundation", "network", "hospital", "center",
	"centre", "medical", "care", "university", "college", "bank", "insurance",
	"logistics", "freight", "solutions", "labs", "technologies", "grocers", "financial",
	"capital", "plan", "pharmacy", "department", "team", "management", "manager",
	"director", "analyst", "specialist", "engineer", "nurse",
};

static int has_org_word(const char *p, size_t n)
{
	for (size_t a = 0; a < n;) {
		size_t e = a;
		while (e < n && p[e] != ' ' && p[e] != ',')
			e++;
		char w[24];
		size_t k = 0;
		for (size_t i = a; i < e && k + 1 < sizeof w; i++)
			if (p[i] != '.')
				w[k++] = (char)lower((unsigned char)p[i]);
		w[k] = '\0';
		if (e - a < sizeof w && IN_LIST(w, org_words))
			return 1;
		a = e + 1;
	}
	return 0;
}

static int looks_like_city(const char *p, size_t n)
{
	if (n == 0 || n >= 60)
		return 0;
	unsigned char c0 = (unsigned char)p[0];
	if (!(is_upper(c0) || c0 >= 0x80))
		return 0;
	int words = 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c >= '0' && c <= '9') || strchr("$%@/:#<>=+[]{}|&!?", c))
			return 0;
		if (c == ' ' && ++words > 4)
			return 0;
	}
	return !has_org_word(p, n);
}

static void set_city(struct place *pl, const char *p, size_t n)
{
	if (n >= sizeof pl->city)
		n = sizeof pl->city - 1;
	memcpy(pl->city, p, n);
	pl->city[n] = '\0';
}

static struct slice trim_blank(const char *p, size_t n)
{
	while (n && ascii_blank((unsigned char)*p))
		p++, n--;
	while (n && ascii_blank((unsigned char)p[n - 1]))
		n--;
	return (struct slice){ p, n };
}

/* Drop a trailing ZIP code: "GA 30303", "30303-1234". */
static struct slice drop_zip(struct slice s)
{
	size_t n = s.n;
	size_t d = 0;
	while (n && ((s.p[n - 1] >= '0' && s.p[n - 1] <= '9') || s.p[n - 1] == '-'))
		n--, d++;
	if (d >= 5 && (n == 0 || s.p[n - 1] == ' '))
		return trim_blank(s.p, n);
	return s;
}

/* Is a (trimmed) part one of the words in list? */
static int part_in(struct slice s, const char *const *list, size_t nl)
{
	char low[64];
	if (s.n >= sizeof low)
		return 0;
	size_t k = 0;
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] != '.')
			low[k++] = (char)(s.p[i] == '.' ? ' ' : lower((unsigned char)s.p[i]));
	low[k] = '\0';
	/* "U.S." -> "us"; "U. S." -> "u s" */
	return in_list(low, list, nl);
}

#define PART_IN(s, list) part_in((s), (list), sizeof(list) / sizeof((list)[0]))

/*
 * "City, ST", "City, State, Country", "State", "City".  strict: a lone
 * word must be a state or a city the table knows.  Returns 1 if a city or
 * state was found.
 */
static int parse_place(const char *p, size_t n, int strict, int state_only, struct place *pl,
		       int *us)
{
	struct slice part[4];
	size_t np = 0, a = 0;
	for (size_t i = 0; i <= n && np < 4; i++) {
		if (i == n || p[i] == ',') {
			struct slice s = drop_zip(trim_blank(p + a, i - a));
			a = i + 1;
			if (s.n == 0)
				continue;
			if (PART_IN(s, us_words)) {
				*us = 1;
				continue;
			}
			if (PART_IN(s, workplace_words))
				continue;
			part[np++] = s;
		}
	}
	if (np == 0)
		return 0;
	memset(pl, 0, sizeof *pl);
	if (np >= 2 && PART_IN(part[np - 1], foreign_words)) {
		pl->foreign = 1;
		if (looks_like_city(part[0].p, part[0].n) && !state_of(part[0], 0))
			set_city(pl, part[0].p, part[0].n);
		return 1;
	}
	if (np == 1) {
		const char *st = state_of(part[0], 0);
		if (state_only)
			return st ? (pl->state = st, 1) : 0;
		char low[80];
		int known = 0;
		const char *cst = NULL;
		if (norm_name(part[0].p, part[0].n, low, sizeof low) >= 0)
			cst = city_state_norm(low, &known);
		if (st) {
			pl->state = st;
			if (cst && strcmp(cst, st) == 0)   /* "New York" */
				set_city(pl, part[0].p, part[0].n);
			return 1;
		}
		if (PART_IN(part[0], foreign_words)) {
			pl->foreign = 1;
			return 1;
		}
		if (!looks_like_city(part[0].p, part[0].n))
			return 0;
		if (strict && !known)
			return 0;
		set_city(pl, part[0].p, part[0].n);
		pl->state = cst;
		return 1;
	}
	const char *st = state_of(part[1], 0);
	if (st && has_org_word(part[0].p, part[0].n))
		return 0;
	if (st) {
		pl->state = st;
		if (looks_like_city(part[0].p, part[0].n) &&
		    (!state_of(part[0], 0) || geo_city_in_state(part[0], st)))
			set_city(pl, part[0].p, part[0].n);
		return 1;
	}
	if (PART_IN(part[1], foreign_words)) {
		pl->foreign = 1;
		if (looks_like_city(part[0].p, part[0].n))
			set_city(pl, part[0].p, part[0].n);
		return 1;
	}
	if (strict || !looks_like_city(part[0].p, part[0].n))
		return 0;
	set_city(pl, part[0].p, part[0].n);
	return 1;
}

/* The first RESIDENCE_PREFIXES name a state of residence, not a city. */
#define RESIDENCE_PREFIXES 8
static const char *const seg_prefixes[] = {
	"candidates must reside in ", "must reside in ", "must live in ", "must be located in ",
	"must be based in ", "open to residents of ", "residents of ", "open to ",
	"located in ", "based in ", "based out of ", "hybrid remote in ", "hybrid in ",
	"remote in ", "remote from ", "fully remote in ", "onsite in ", "on-site in ",
	"on site in ", "in office in ", "in-office in ", "in person in ", "anywhere in ",
	"the state of ", "state of ", "greater ", "in ", "the ", "hybrid ", "remote ",
	"onsite ", "on-site ",
};

static const char *const seg_suffixes[] = {
	" residents only", " residents", " only", " metro area", " metropolitan area",
	" area", " metro", " region", " office", " based", " (hybrid)",
};

/* One segment of a value ("must reside in Florida", "Austin, TX"). */
static int parse_segment(const char *p, size_t n, int strict, struct place *pl, int *us)
{
	struct slice t = trim_blank(p, n);
	char low[256];
	if (t.n >= sizeof low)
		return 0;
	lower_copy(t.p, t.n, low);
	size_t off = 0, len = t.n;
	int again = 1, market = 0;   /* market: a state is meant, not a city */
	while (again) {
		again = 0;
		for (size_t i = 0; i < sizeof seg_prefixes / sizeof seg_prefixes[0]; i++) {
			size_t m = strlen(seg_prefixes[i]);
			if (len > m && strncmp(low + off, seg_prefixes[i], m) == 0) {
				off += m;
				len -= m;
				again = 1;
				market |= i < RESIDENCE_PREFIXES;
				break;
			}
		}
		for (size_t i = 0; i < sizeof seg_suffixes / sizeof seg_suffixes[0]; i++) {
			size_t m = strlen(seg_suffixes[i]);
			if (len > m && strncmp(low + off + len - m, seg_suffixes[i], m) == 0) {
				len -= m;
				again = 1;
				market |= i < 2;   /* " residents only", " residents" */
			}
		}
		if (len > 7 && strncmp(low + off + len - 7, " market", 7) == 0) {
			len -= 7;
			market = 1;
			again = 1;
		}
	}
	struct slice s = { t.p + off, len };
	if (PART_IN(s, us_words)) {
		*us = 1;
		return 0;
	}
	if (PART_IN(s, workplace_words))
		return 0;
	return parse_place(s.p, s.n, strict, market, pl, us);
}

/* Parse a cleaned value into out; returns 1 if anything was understood. */
static int parse_clean(const char *v, size_t n, int strict, struct location *out)
{
	char low[256];
	if (n >= sizeof low)
		n = sizeof low - 1;
	lower_copy(v, n, low);
	enum workplace wp = workplace_of(low);
	int us = 0, got = 0;
	struct place pl, best;
	memset(&best, 0, sizeof best);
	size_t a = 0;
	for (size_t i = 0; i <= n; i++) {
		size_t cut = 0;
		if (i == n || v[i] == '(' || v[i] == ')' || v[i] == '|' || v[i] == ';')
			cut = 1;
		else if (v[i] == ' ' && i + 2 < n && (v[i + 1] == '-' || v[i + 1] == '/') && v[i + 2] == ' ')
			cut = 3;
		else if (v[i] == ' ' && i + 4 < n && (unsigned char)v[i + 1] == 0xE2 &&
			 (unsigned char)v[i + 2] == 0x80 && ((unsigned char)v[i + 3] == 0x93 ||
							     (unsigned char)v[i + 3] == 0x94) && v[i + 4] == ' ')
			cut = 5;
		if (!cut)
			continue;
		if (i > a && !got && parse_segment(v + a, i - a, strict, &pl, &us)) {
			if (pl.state || pl.city[0] || pl.foreign) {
				best = pl;
				got = 1;
			}
		}
		a = i + cut;
		i = a - 1;
	}
	if (!got && wp == WORKPLACE_NONE && !us)
		return 0;
	memset(out, 0, sizeof *out);
	memcpy(out->city, best.city, sizeof out->city);
	if (best.state)
		memcpy(out->state, best.state, 3);
	out->foreign = best.foreign;
	out->workplace = wp;
	if (wp == WORKPLACE_REMOTE && !best.state && !best.city[0] && !best.foreign &&
	    (us || strstr(low, "united states") || has_word(low, "us")))
		out->remote_us = 1;
	return got || wp != WORKPLACE_NONE || out->remote_us;
}

int location_parse(struct slice s, struct location *out)
{
	char v[256];
	memset(out, 0, sizeof *out);
	size_t n = clean_value(s.p, s.n, v, sizeof v);
	if (!parse_clean(v, n, 0, out))
		return 0;
	out->start = 0;
	out->end = s.n;
	return 1;
}

/* ---- locations in prose ---- */

/* Trust of each source, most trusted first. */
enum source {
	SRC_LABEL, SRC_PIPE, SRC_BADGE, SRC_RESIDE, SRC_CITY_ST, SRC_OFFICE, SRC_MARKET,
	SRC_ORG, SRC_NONE
};

struct finder {
	struct location out;
	enum source place_src;   /* where city/state came from */
	enum source wp_src;
};

static void take(struct finder *f, const struct location *l, enum source src,
		 size_t start, size_t end)
{
	if ((l->state[0] || l->city[0] || l->foreign) && src < f->place_src) {
		memcpy(f->out.city, l->city, sizeof f->out.city);
		memcpy(f->out.state, l->state, sizeof f->out.state);
		f->out.foreign = l->foreign;
		f->out.start = start;
		f->out.end = end;
		f->place_src = src;
	}
	if (l->workplace != WORKPLACE_NONE && src < f->wp_src) {
		f->out.workplace = l->workplace;
		f->wp_src = src;
	}
	if (l->remote_us)
		f->out.remote_us = 1;
}

static const char *const loc_labels[] = {
	"location", "locations", "job location", "work location", "office location",
	"primary location", "position location", "job site", "work site", "worksite",
	"location(s)", "city", "based in", "workplace", "work arrangement", "work setting",
	"work model", "workplace type", "remote", "onsite", "job locations",
};

/* A "Label: value" line with a location label: the value, else {NULL,0}. */
static struct slice label_value(const char *v, size_t n)
{
	const char *colon = memchr(v, ':', n < 40 ? n : 40);
	if (!colon)
		return (struct slice){ NULL, 0 };
	char low[48];
	size_t k = (size_t)(colon - v);
	while (k && v[k - 1] == ' ')
		k--;
	if (k >= sizeof low)
		return (struct slice){ NULL, 0 };
	lower_copy(v, k, low);
	if (!in_list(low, loc_labels, sizeof loc_labels / sizeof loc_labels[0]))
		return (struct slice){ NULL, 0 };
	return trim_blank(colon + 1, n - (size_t)(colon + 1 - v));
}

/* Does the line start (after markup) with an emoji or symbol badge? */
static int is_badge(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n && (p[i] == '#' || p[i] == ' ' || p[i] == '`' || p[i] == '*' || p[i] == '>'))
		i++;
	return i < n && ((unsigned char)p[i] >= 0xE2) && !((unsigned char)p[i] == 0xE2 &&
		i + 2 < n && (unsigned char)p[i + 1] == 0x80 && (unsigned char)p[i + 2] == 0xA2);
}

static void scan_line(struct finder *f, const char *p, size_t n, size_t off)
{
	char v[256];
	struct location l;
	if (n > 400)
		return;
	/* most lines are prose: copy only possible labels, heading rows, badges */
	if (!memchr(p, ':', n < 48 ? n : 48) && !has_bar_sep(p, n) && !is_badge(p, n))
		return;
	size_t k = clean_value(p, n, v, sizeof v);
	if (k == 0)
		return;
	struct slice val = label_value(v, k);
	if (val.p) {
		if (parse_clean(val.p, val.n, 0, &l))
			take(f, &l, SRC_LABEL, off, off + n);
		return;
	}
	if (strstr(v, " | ")) {
		size_t a = 0;
		for (size_t i = 0; i <= k; i++) {
			if (i < k && !(v[i] == '|' && i > 0 && v[i - 1] == ' '))
				continue;
			struct slice seg = trim_blank(v + a, i - a);
			char w[256];
			if (seg.n && seg.n < sizeof w) {
				memcpy(w, seg.p, seg.n);
				w[seg.n] = '\0';
				if (parse_clean(w, seg.n, 1, &l))
					take(f, &l, SRC_PIPE, off, off + n);
			}
			a = i + 1;
		}
		return;
	}
	if (k < 100 && is_badge(p, n) && parse_clean(v, k, 1, &l))
		take(f, &l, SRC_BADGE, off, off + n);
}

/* A capture as a place name: `words` may carry extra leading words. */
static int state_words(struct slice s, const char **st)
{
	/* "North Carolina Market", "Provider Florida Market": try 2 words, then the last */
	*st = state_of(s, 0);
	if (*st)
		return 1;
	/* the words may be split by a space, a no-break space or a line break */
	const char *sp = NULL;
	for (size_t i = 0; i < s.n && !sp; i++)
		if (s.p[i] == ' ' || s.p[i] == '\n' || s.p[i] == '\r' ||
		    ((unsigned char)s.p[i] == 0xC2 && i + 1 < s.n && (unsigned char)s.p[i + 1] == 0xA0))
			sp = s.p + i;
	if (sp) {
		size_t gap = (unsigned char)*sp == 0xC2 ? 2 : 1;
		struct slice a = { s.p, (size_t)(sp - s.p) };
		struct slice b = slice_trim((struct slice){ sp + gap, s.n - (size_t)(sp + gap - s.p) });
		if ((*st = state_of(b, 0)) || (*st = state_of(a, 0)))
			return 1;
	}
	return 0;
}

/* Up to four capitalized words; a hard-wrapped line break may split them. */
#define CITY_RUN "\\p{Lu}[\\p{L}'\\x{2019}.\\-]*(?:(?:[ \\x{a0}]|\\r?\\n)\\p{Lu}[\\p{L}'\\x{2019}.\\-]*){0,3}"
#define STATE_NAME "\\p{Lu}\\p{Ll}+(?:(?:[ \\x{a0}]|\\r?\\n)(?:of[ \\x{a0}])?\\p{Lu}\\p{Ll}+)?"

/* Keywords of location_find's one pass (kw[] there), by index. */
enum {
	KW_RESID, KW_LIVE, KW_LIVING, KW_LOCATED, KW_MARKET, KW_UNIVERSITY, KW_STATE_UNIV,
	KW_OFFICE
};

static int find_reside(struct finder *f, struct slice t, const struct kw_hit *hits, size_t nh)
{
	static struct rx *r1, *r2;
	const struct rx *a = rx_lazy(&r1,
		"(?i:must[\\s\\x{a0}]+(?:reside|live|be[\\s\\x{a0}]+located|be[\\s\\x{a0}]+based)[\\s\\x{a0}]+in"
		"|residents?[\\s\\x{a0}]+of|residing[\\s\\x{a0}]+in|living[\\s\\x{a0}]+in|located[\\s\\x{a0}]+in)"
		"[\\s\\x{a0}]+(?:the[\\s\\x{a0}]+state[\\s\\x{a0}]+of[\\s\\x{a0}]+)?(" STATE_NAME ")", 0);
	const struct rx *b = rx_lazy(&r2, "(?<![\\p{L}])(" STATE_NAME ")[\\s\\x{a0}]+residents\\b", 0);
	const struct rx *rs[2] = { a, b };
	struct rx_match m;
	for (size_t h = 0; h < nh; h++) {
		if (hits[h].id != KW_RESID && hits[h].id != KW_LIVE && hits[h].id != KW_LIVING &&
		    hits[h].id != KW_LOCATED)
			continue;
		size_t at = hits[h].at;
		size_t w0 = at > 48 ? at - 48 : 0, w1 = at + 72 < t.n ? at + 72 : t.n;
		struct slice w = { t.p + w0, w1 - w0 };
		/* each window may hold a non-state ("residents of the area") */
		for (int k = 0; k < 2; k++) {
			if (!rx_find(rs[k], w, 0, &m))
				continue;
			const char *st;
			struct slice g = rx_group(w, &m, 1);
			if (state_words(g, &st) && strcmp(st, "DC") != 0) {
				struct location l;
				memset(&l, 0, sizeof l);
				memcpy(l.state, st, 3);
				take(f, &l, SRC_RESIDE, w0 + m.start[0], w0 + m.end[0]);
				return 1;
			}
		}
	}
	return 0;
}

/* Copy s into dst (at least s.n + 1 bytes) with line breaks and NBSP as one space. */
static struct slice fold_blanks(struct slice s, char *dst)
{
	size_t k = 0;
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c == 0xC2 && i + 1 < s.n && (unsigned char)s.p[i + 1] == 0xA0) {
			i++;
			c = ' ';
		} else if (c == '\r') {
			continue;
		} else if (c == '\n') {
			c = ' ';
		}
		dst[k++] = (char)c;
	}
	dst[k] = '\0';
	return (struct slice){ dst, k };
}

/* "Philadelphia, PA", "Seattle, Washington", "Washington, D.C." in prose. */
static int find_city_state(struct finder *f, struct slice t)
{
	static struct rx *r;
	const struct rx *x = rx_lazy(&r,
		"(?<![\\p{L}'\\x{2019}.\\-])(" CITY_RUN "),(?:[ \\x{a0}]|\\r?\\n)*"
		"(D\\.C\\.|\\p{Lu}{2}(?![\\p{L}\\d])|" STATE_NAME ")", 0);
	struct rx_match m;
	size_t done = 0;
	for (const char *c = memchr(t.p, ',', t.n); c; c = memchr(c + 1, ',', t.n - (size_t)(c + 1 - t.p))) {
		size_t at = (size_t)(c - t.p), q = at + 1;
		while (q < t.n && (t.p[q] == ' ' || t.p[q] == '\n' || t.p[q] == '\r' ||
				   ((unsigned char)t.p[q] == 0xC2 && q + 1 < t.n &&
				    (unsigned char)t.p[q + 1] == 0xA0)))
			q += (unsigned char)t.p[q] == 0xC2 ? 2 : 1;
		if (q >= t.n || !(t.p[q] >= 'A' && t.p[q] <= 'Z') || at < done)
			continue;
		/* the window: the words before the comma and a state after it */
		size_t w0 = at > 72 ? at - 72 : 0, w1 = q + 32 < t.n ? q + 32 : t.n;
		while (w0 > 0 && at - w0 < 112 && !(t.p[w0 - 1] == ' ' || t.p[w0 - 1] == '\n'))
			w0--;
		if (w0 < done)
			w0 = done;
		struct slice w = { t.p + w0, w1 - w0 };
		size_t from = 0;
		int hit = 0;
		while (rx_find(x, w, from, &m)) {
			from = m.end[1] + 1;
			if (w0 + m.end[1] != at)
				continue;   /* another comma's match: handled with that comma */
			hit = 1;
			break;
		}
		if (!hit)
			continue;
		done = at;
		for (int g = 0; g < 3; g++) {
			m.start[g] += w0;
			m.end[g] += w0;
		}
		struct slice run = rx_group(t, &m, 1), sg = rx_group(t, &m, 2);
		const char *st = state_of(sg, 0);
		if (!st && sg.n > 3) {
			/* "Atlanta, Georgia Tech": the first word alone */
			const char *sp = memchr(sg.p, ' ', sg.n);
			if (sp)
				st = state_of((struct slice){ sg.p, (size_t)(sp - sg.p) }, 0);
		}
		if (!st || (state_of(run, 0) && !geo_city_in_state(run, st)))
			continue;   /* "Florida, Georgia and Alabama" is a list of states */
		/* the longest tail of the run the table knows in that state */
		struct slice city = { NULL, 0 };
		char fold[80];
		if (run.n >= sizeof fold)
			continue;
		run = fold_blanks(run, fold);
		for (size_t i = 0; i < run.n; i++) {
			if (i == 0 || run.p[i - 1] == ' ') {
				struct slice tail = { run.p + i, run.n - i };
				if (geo_city_in_state(tail, st)) {
					city = tail;
					break;
				}
			}
		}
		if (!city.p) {
			/* unknown city: keep at most its last two words */
			city = run;
			int words = 0;
			for (size_t i = run.n; i > 0; i--)
				if (run.p[i - 1] == ' ' && ++words == 2) {
					city = (struct slice){ run.p + i, run.n - i };
					break;
				}
			char low[64];
			if (city.n < sizeof low) {
				lower_copy(city.p, city.n, low);
				if (in_list(low, workplace_words, sizeof workplace_words / sizeof workplace_words[0]))
					city.n = 0;
			}
		}
		if (has_org_word(run.p, run.n) && !(city.p != run.p && geo_city_in_state(city, st)))
			continue;   /* "Bayside Medical Group, PA" */
		struct location l;
		memset(&l, 0, sizeof l);
		memcpy(l.state, st, 3);
		if (city.n && city.n < sizeof l.city) {
			memcpy(l.city, city.p, city.n);
		}
		take(f, &l, SRC_CITY_ST, m.start[0], m.end[0]);
		return 1;
	}
	return 0;
}

/* "in our Atlanta office", "at our Henderson location": known cities only. */
static int find_office(struct finder *f, struct slice t, const struct kw_hit *hits, size_t nh)
{
	static struct rx *r;
	const struct rx *x = rx_lazy(&r,
		"\\b(?:in|at|from|to)[ \\x{a0}]+(?:our|the)[ \\x{a0}]+(" CITY_RUN ")[ \\x{a0}]+"
		"(?:office|location|campus|headquarters|facility|hub|clinic|hospital|branch|site)s?\\b", 0);
	struct rx_match m;
	for (size_t h = 0; h < nh; h++) {
		if (hits[h].id < KW_OFFICE)
			continue;
		if (!rx_find_hits(x, t, hits + h, 1, -1, 64, 16, &m))
			continue;
		struct slice c = rx_group(t, &m, 1);
		const char *st = geo_city_state(c);
		if (!st)
			continue;
		struct location l;
		memset(&l, 0, sizeof l);
		memcpy(l.state, st, 3);
		if (c.n < sizeof l.city)
			memcpy(l.city, c.p, c.n);
		take(f, &l, SRC_OFFICE, m.start[0], m.end[0]);
		return 1;
	}
	return 0;
}

/* "<State> Market"; "University of Maryland" as a last resort. */
static int find_state_phrase(struct finder *f, struct slice t, const struct kw_hit *hits,
			     size_t nh, int id, const char *pattern, struct rx **slot,
			     enum source src)
{
	const struct rx *x = rx_lazy(slot, pattern, 0);
	struct rx_match m;
	for (size_t h = 0; h < nh; h++) {
		if (hits[h].id != id)
			continue;
		const char *st;
		size_t at = hits[h].at;
		size_t w0 = at > 40 ? at - 40 : 0, w1 = at + 64 < t.n ? at + 64 : t.n;
		struct slice w = { t.p + w0, w1 - w0 };
		if (!rx_find(x, w, 0, &m) || !state_words(rx_group(w, &m, 1), &st))
			continue;
		for (int g = 0; g < 2; g++) {
			m.start[g] += w0;
			m.end[g] += w0;
		}
		struct location l;
		memset(&l, 0, sizeof l);
		memcpy(l.state, st, 3);
		take(f, &l, src, m.start[0], m.end[0]);
		return 1;
	}
	return 0;
}

int location_find(struct slice text, struct location *out)
{
	static struct rx *r_market, *r_univ, *r_state_univ;
	struct finder f;
	memset(&f, 0, sizeof f);
	f.place_src = f.wp_src = SRC_NONE;
	for (size_t a = 0; a < text.n;) {
		const char *nl = memchr(text.p + a, '\n', text.n - a);
		size_t e = nl ? (size_t)(nl - text.p) : text.n;
		scan_line(&f, text.p + a, e - a, a);
		a = e + 1;
	}
	int have_place = f.place_src != SRC_NONE && (f.out.state[0] || f.out.foreign);
	if (have_place) {
		*out = f.out;
		return 1;
	}
	static const char *const kw[] = {
		"resid", "must live", "living in", "located in", "market", "university",
		"state university",
		/* from KW_OFFICE on: "in our Atlanta office" */
		"office", "location", "campus", "headquarters", "facility", "hub", "clinic",
		"hospital", "branch", "site",
	};
	struct kw_hit hits[256];
	size_t nh = kw_scan(text, kw, sizeof kw / sizeof kw[0], hits, 256);
	find_reside(&f, text, hits, nh);
	have_place = f.place_src != SRC_NONE && (f.out.state[0] || f.out.foreign);
	/* a job stated as remote anywhere in the US has no place in prose */
	if (!have_place && !f.out.remote_us) {
		if (!find_city_state(&f, text) && !find_office(&f, text, hits, nh) &&
		    !find_state_phrase(&f, text, hits, nh, KW_MARKET,
				       "(?<![\\p{L}])(" STATE_NAME ")[\\s\\x{a0}]+Market\\b",
				       &r_market, SRC_MARKET) &&
		    !find_state_phrase(&f, text, hits, nh, KW_UNIVERSITY,
				       "\\bUniversity[\\s\\x{a0}]+of[\\s\\x{a0}]+(" STATE_NAME ")",
				       &r_univ, SRC_ORG))
			find_state_phrase(&f, text, hits, nh, KW_STATE_UNIV,
					  "(?<![\\p{L}])(" STATE_NAME ")[\\s\\x{a0}]+State[\\s\\x{a0}]+University\\b",
					  &r_state_univ, SRC_ORG);
	}
	*out = f.out;
	return f.place_src != SRC_NONE || f.wp_src != SRC_NONE || f.out.remote_us;
}
