"""Word lists the demo and scale generators draw names, titles and industries from.

Every list is a tuple (fixed order) so the same seed always picks the same words.
"""

from __future__ import annotations

# Long word lists read better packed; keep the formatter away from them.
# fmt: off

FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Charles", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Sandra",
    "Mark", "Ashley", "Steven", "Emily", "Paul", "Michelle", "Andrew", "Amanda", "Joshua",
    "Melissa", "Kevin", "Deborah", "Brian", "Stephanie", "George", "Rebecca", "Timothy",
    "Laura", "Ryan", "Helen", "Jason", "Amy", "Jeffrey", "Anna", "Jacob", "Nicole", "Gary",
    "Samantha", "Eric", "Katherine", "Jonathan", "Christine", "Priya", "Rahul", "Wei",
    "Mei", "Hiroshi", "Yuki", "Carlos", "Lucia", "Mateo", "Sofia", "Lukas", "Lena", "Jonas",
    "Hannah", "Olivier", "Camille", "Aisha", "Omar", "Fatima", "Tariq", "Ingrid", "Sven",
    "Noah", "Chloe", "Ethan", "Grace", "Liam", "Zoe", "Oscar", "Freya", "Diego", "Elena",
)

LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Patel", "Shah", "Chen", "Wang",
    "Kim", "Tanaka", "Sato", "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker",
    "O'Brien", "Murphy", "Kelly", "Dubois", "Laurent", "Rossi", "Bianchi", "Novak", "Kowalski",
    "Andersson", "Johansson", "Okafor", "Mensah", "Haddad", "Khan", "Singh", "Gupta", "Reyes",
    "Morgan", "Bennett", "Hughes", "Foster", "Price", "Sullivan", "Russell", "Hayes", "Ford",
)

# First and second halves of company names ("Bluewater" + "Logistics").
NAME_STEMS = (
    "Acme", "Apex", "Summit", "Pinnacle", "Bluewater", "Redwood", "Cedar", "Granite", "Silverline",
    "Northstar", "Evergreen", "Ironbridge", "Keystone", "Lakeshore", "Meridian", "Harbor",
    "Crescent", "Sterling", "Falcon", "Kestrel", "Osprey", "Heron", "Aurora", "Polaris",
    "Vertex", "Vantage", "Horizon", "Beacon", "Cobalt", "Quartz", "Onyx", "Sapphire", "Cascade",
    "Riverbend", "Oakridge", "Maplewood", "Pinecrest", "Highland", "Westfield", "Eastgate",
    "Brightpath", "Clearwater", "Stonebridge", "Foxglove", "Bramble", "Juniper", "Tamarack",
    "Alder", "Birchwood", "Copperleaf", "Driftwood", "Emberly", "Fairhaven", "Glenmore",
    "Hawthorne", "Ivory", "Jasper", "Kingsley", "Larkspur", "Marlow", "Norcross", "Oakmont",
    "Prairie", "Quarry", "Ravenwood", "Sagebrush", "Thornton", "Upland", "Valemont", "Willow",
    "Yarrow", "Zephyr", "Atlas", "Borealis", "Calloway", "Dunmore", "Ellison", "Fulcrum",
    "Gideon", "Halcyon", "Inland", "Jubilee", "Kinetic", "Lumen", "Magnolia", "Nimbus",
    "Orion", "Paragon", "Quantum", "Radiant", "Solstice", "Trident", "Unity", "Vector",
    "Wavecrest", "Axion", "Bolt", "Corvid", "Delta", "Ember", "Forge", "Gale", "Helix",
    "Ionic", "Lattice", "Mosaic", "Nova", "Pioneer", "Relay", "Sentinel", "Tandem", "Vireo",
    "Hartwell", "Ashford", "Blackwood", "Carraway", "Davenport", "Easton", "Fenwick",
)

NAME_CORES = (
    "Robotics", "Logistics", "Analytics", "Manufacturing", "Systems", "Dynamics", "Health",
    "Foods", "Energy", "Labs", "Networks", "Software", "Industries", "Materials", "Freight",
    "Medical", "Capital", "Automation", "Biotech", "Retail", "Media", "Solutions", "Devices",
    "Aerospace", "Marine", "Pharma", "Telecom", "Insurance", "Partners", "Technologies",
    "Components", "Fabrication", "Instruments", "Packaging", "Distribution", "Semiconductor",
    "Motors", "Chemicals", "Outfitters", "Hospitality",
)

LEGAL_SUFFIXES = ("Inc.", "LLC", "Ltd", "Corp.", "GmbH", "Co.", "Group", "PLC", "S.A.", "AG")

INDUSTRIES = (
    "Manufacturing", "Logistics", "Healthcare", "Financial Services", "Retail", "Technology",
    "Energy", "Automotive", "Aerospace", "Life Sciences", "Telecommunications", "Consumer Goods",
    "Construction", "Education", "Media",
)

# Country and how often accounts are there (a US-led customer base with UK/DE presence).
COUNTRIES = (
    ("United States", 0.58), ("United Kingdom", 0.1), ("Germany", 0.09), ("Canada", 0.06),
    ("France", 0.04), ("Netherlands", 0.03), ("Australia", 0.03), ("Japan", 0.02),
    ("Sweden", 0.02), ("Singapore", 0.02), ("Brazil", 0.01),
)

TLD_BY_COUNTRY = {
    "United Kingdom": "co.uk", "Germany": "de", "France": "fr", "Netherlands": "nl",
    "Australia": "com.au", "Japan": "jp", "Sweden": "se", "Canada": "ca",
}

CONTACT_TITLES = (
    "VP Operations", "Director of Automation", "Plant Manager", "CFO", "COO", "CTO",
    "Head of Procurement", "Procurement Manager", "Operations Manager", "Engineering Manager",
    "VP Engineering", "Director of Manufacturing", "IT Director", "Controller",
    "Supply Chain Director", "Project Manager", "CEO", "Head of Robotics", "Quality Manager",
    "Facilities Manager",
)

CONTACT_ROLES = (
    "Decision Maker", "Economic Buyer", "Champion", "Technical Buyer", "Evaluator",
    "Influencer", "Business User", "Executive Sponsor",
)

LEAD_SOURCES = ("Web", "Outbound", "Partner Referral", "Trade Show", "Webinar", "Customer Referral")

OPPORTUNITY_TYPES = ("New Business", "Existing Business - Upgrade", "Existing Business - Renewal")

PRODUCTS = ("NR-7 Cobot Cell", "AMR Fleet", "Vision Pick Station", "Palletizer Line",
            "Fleet Manager Licences", "Service Plan", "Weld Cell", "Retrofit Kit")

NEXT_STEPS = (
    "Send revised proposal", "Schedule technical deep dive", "Site visit with plant manager",
    "Security review with IT", "Confirm budget with CFO", "Pilot scoping call",
    "Legal redlines back from customer", "Executive sponsor meeting",
    "ROI model review", "Demo for operations team", "Procurement onboarding forms",
    "Reference call with existing customer", "Agree mutual action plan",
)

ACTIVITY_SUBJECTS = {
    "email": ("Follow-up: proposal", "Re: pricing question", "Intro and next steps",
              "Case study you asked for", "Re: pilot timeline", "Meeting recap"),
    "call": ("Discovery call", "Check-in call", "Pricing call", "Call with champion",
             "Left voicemail", "Qualification call"),
    "event": ("Demo", "Technical deep dive", "Executive briefing", "Site visit",
              "Proposal walkthrough", "Negotiation meeting", "Kickoff call"),
    "task": ("Send contract", "Update mutual action plan", "Prepare ROI model",
             "Book site visit", "Send security questionnaire", "Follow up on quote"),
}

TEAM_NAMES = (
    ("Enterprise East", "Enterprise"), ("Enterprise West", "Enterprise"),
    ("Mid-Market North", "Mid-Market"), ("Mid-Market South", "Mid-Market"),
    ("SMB Growth", "SMB"), ("SMB Velocity", "SMB"),
)

# Northwind's (made-up) robotics competitors, named in the demo transcripts. The
# prospects' own revenue tools (Gong, Clari) come up too, as they do on real calls.
COMPETITORS = ("Kinemax", "Tessellate Automation")
REVENUE_TOOLS = ("Gong", "Clari")
# fmt: on
