"""The demo case: dystrophic calcinosis cutis in mixed connective tissue disease.

Every clinical sentence here is taken from the published report, transcribed in
``calcinosis_report.txt`` (the text as supplied, with its PDF line breaks, is in
``calcinosis_report_original.txt``). Tests check that each section body and each key point quote
is found word for word in the report. Text that is not from the report is labelled: the key points'
``teaching_note`` and the figure captions that say a figure is a drawn illustration.
"""

SOURCE_URL = "https://casereports.bmj.com/content/2011/bcr.01.2011.3732"

CASE = {
    "slug": "painless-nodules-elbow-knees",
    "title": "Painless nodules on the elbow and knees",
    "teaser": "An 87-year-old woman admitted with heart failure has had painless nodules on her elbow "
    "and knees for 10 years. What are they, and what are they not?",
    "specialty": "Rheumatology",
    "keywords": "calcinosis cutis, dystrophic calcification, mixed connective tissue disease, "
    "rheumatoid nodules, subcutaneous nodules, elbow, knee, dermatology",
    "source_authors": "Carrascosa MF, Pascual Velasco F, Corrales Martínez A, Fernández-Ayala Novo M, "
    "Casuso Sáenz E, Salcines Caviedes JR",
    "source_title": "Calcinosis cutis",
    "source_journal": "BMJ Case Reports",
    "source_year": 2011,
    "source_doi": "10.1136/bcr.01.2011.3732",
    "source_url": SOURCE_URL,
    "licence": "© BMJ Publishing Group Ltd. Free to read at the publisher; the text is quoted here for "
    "teaching. The report's own figures are not reproduced.",
    "status": "published",
}

# (position, kind, heading, Markdown body). Citation numbers are written <sup>n</sup>. The report's
# description and discussion are each one paragraph; they are divided here under headings of this
# site's own (the words are the report's), so that a quiz can show the case a part at a time.
SECTIONS = [
    (
        1,
        "presentation",
        "Presentation",
        "An 87-year-old woman with a history of hypertension, atrial fibrillation, and mixed connective "
        "tissue disease was admitted to hospital because of heart failure.",
    ),
    (
        2,
        "examination",
        "Examination",
        "Besides clinical signs of ventricular dysfunction, physical examination showed painless, "
        "subcutaneous nodules that had developed during the past 10 years on her left elbow (figure 1A) "
        "and knees (figure 1B, right knee; note a large deposit breaking through the skin).",
    ),
    (
        3,
        "investigations",
        "Radiographs",
        "A radiograph of the left elbow (figure 1C) and right knee (figure 1D) demonstrated multiple, "
        "heterogeneous soft-tissue calcified masses suggestive of calcinosis cutis.",
    ),
    (
        4,
        "investigations",
        "Laboratory findings",
        "Her serum level of calcium, phosphate, intact parathyroid hormone and rheumatoid factor as well as "
        "renal function parameters were within normal limits.",
    ),
    (
        5,
        "discussion",
        "Calcinosis cutis and its four groups",
        "Calcinosis cutis, described by Virchow<sup>1</sup> in 1855, refers to the deposition of insoluble "
        "calcium salts into the skin and subcutaneous tissue. It has been divided into four groups: "
        "metastatic, iatrogenic, idiopathic and dystrophic.<sup>2</sup> Metastatic calcification is related "
        "to abnormal calcium or phosphate metabolism and is generally associated with hypercalcaemia and/or "
        "hyperphosphatemia. Iatrogenic calcinosis cutis arises as complication of a therapeutic<sup>3</sup> "
        "or diagnostic procedure. It has been associated with subcutaneous injection of calcium-containing "
        "heparins,<sup>3</sup> extravasation of calcium gluconate and use of calcium-containing electrode "
        "compounds for electromyographic or electroencephalographic examination. Idiopathic calcinosis cutis "
        "occurs in the absence of known tissue injury or systemic metabolic defect. Finally, the dystrophic "
        "form is the most commonly described. Various conditions can cause this type of calcinosis, including "
        "connective tissue diseases, infection, other inflammatory processes, chronic venous stasis, "
        "cutaneous neoplasm, trauma and inherited disorders. The exact mechanism remains unclear although "
        "local inflammation may have a role in its pathogenesis.<sup>4</sup>",
    ),
    (
        6,
        "discussion",
        "Treatment",
        "Treatment of calcinosis cutis in this setting have only marginal benefit, diltiazem and aluminum "
        "hydroxide antacids having been used.<sup>4</sup> However, early, effective management of the "
        "underlying disorder could reduce the development of such abnormality.",
    ),
    (
        7,
        "discussion",
        "The authors' classification",
        "Given that there was no other predisposing condition for calcinosis besides mixed connective tissue "
        "disease, we believe our patient had dystrophic calcinosis related to such disorder.",
    ),
    (
        8,
        "discussion",
        "Rheumatoid nodules",
        "The lack of any of the other diagnostic criteria for rheumatoid arthritis and the fact that almost all "
        "rheumatoid nodule formers have positive tests for rheumatoid factor made the diagnosis of rheumatoid "
        "nodules very unlikely. In addition, these nodules usually appear as non-calcified subcutaneous masses.",
    ),
    (9, "outcome", "Outcome", "She afterwards died due to hospital-acquired pneumonia."),
]

_NOT_REPRODUCED = "The full entry is in the reference list of the source report; it is not reproduced here."
REFERENCES = [
    (1, f"Virchow, 1855: reference 1 of the source report, cited for the first description of calcinosis "
        f"cutis. {_NOT_REPRODUCED}"),
    (2, f"Reference 2 of the source report, cited for the division of calcinosis cutis into four groups. "
        f"{_NOT_REPRODUCED}"),
    (3, f"Reference 3 of the source report, cited for iatrogenic calcinosis cutis after a therapeutic "
        f"procedure and after subcutaneous injection of calcium-containing heparins. {_NOT_REPRODUCED}"),
    (4, f"Reference 4 of the source report, cited for the possible role of local inflammation and for "
        f"treatment with diltiazem and aluminium hydroxide antacids. {_NOT_REPRODUCED}"),
]  # fmt: skip

# Sentences of the report, named once so key points and quiz feedback quote them identically.
PRESENTATION = (
    "An 87-year-old woman with a history of hypertension, atrial fibrillation, and mixed connective tissue "
    "disease was admitted to hospital because of heart failure."
)
EXAMINATION = (
    "Besides clinical signs of ventricular dysfunction, physical examination showed painless, subcutaneous "
    "nodules that had developed during the past 10 years on her left elbow (figure 1A) and knees (figure 1B, "
    "right knee; note a large deposit breaking through the skin)."
)
RADIOGRAPHS = (
    "A radiograph of the left elbow (figure 1C) and right knee (figure 1D) demonstrated multiple, heterogeneous "
    "soft-tissue calcified masses suggestive of calcinosis cutis."
)
LABORATORY = (
    "Her serum level of calcium, phosphate, intact parathyroid hormone and rheumatoid factor as well as renal "
    "function parameters were within normal limits."
)
METASTATIC = (
    "Metastatic calcification is related to abnormal calcium or phosphate metabolism and is generally "
    "associated with hypercalcaemia and/or hyperphosphatemia."
)
DYSTROPHIC_CAUSES = (
    "Various conditions can cause this type of calcinosis, including connective tissue diseases, infection, "
    "other inflammatory processes, chronic venous stasis, cutaneous neoplasm, trauma and inherited disorders."
)
CLASSIFICATION = (
    "Given that there was no other predisposing condition for calcinosis besides mixed connective tissue "
    "disease, we believe our patient had dystrophic calcinosis related to such disorder."
)
RHEUMATOID = (
    "The lack of any of the other diagnostic criteria for rheumatoid arthritis and the fact that almost all "
    "rheumatoid nodule formers have positive tests for rheumatoid factor made the diagnosis of rheumatoid "
    "nodules very unlikely."
)
GAP = " … "  # joins two sentences of the report that are not next to each other

# key -> (statement, quote, reference number or None, teaching note)
KEY_POINTS = [
    (
        "nodules-on-examination",
        "She had painless subcutaneous nodules on the left elbow and the knees that had developed over "
        "10 years; on the right knee a large deposit was breaking through the skin.",
        EXAMINATION,
        None,
        "",
    ),
    (
        "radiograph-calcified-masses",
        "Radiographs of the left elbow and right knee showed multiple, heterogeneous soft-tissue calcified "
        "masses, suggestive of calcinosis cutis.",
        RADIOGRAPHS,
        None,
        "",
    ),
    (
        "definition-and-first-description",
        "Calcinosis cutis is the deposition of insoluble calcium salts in the skin and subcutaneous tissue. "
        "Virchow described it in 1855.",
        "Calcinosis cutis, described by Virchow in 1855, refers to the deposition of insoluble calcium salts "
        "into the skin and subcutaneous tissue.",
        1,
        "",
    ),
    (
        "four-groups",
        "Calcinosis cutis is divided into four groups: metastatic, iatrogenic, idiopathic and dystrophic.",
        "It has been divided into four groups: metastatic, iatrogenic, idiopathic and dystrophic.",
        2,
        "",
    ),
    (
        "metastatic-defined",
        "Metastatic calcinosis is related to abnormal calcium or phosphate metabolism and is generally "
        "associated with a raised serum calcium and/or phosphate.",
        METASTATIC,
        None,
        "",
    ),
    (
        "iatrogenic-defined",
        "Iatrogenic calcinosis cutis is a complication of a therapeutic or diagnostic procedure, such as "
        "subcutaneous calcium-containing heparin, extravasated calcium gluconate, or calcium-containing "
        "electrode compounds used for EMG or EEG.",
        "Iatrogenic calcinosis cutis arises as complication of a therapeutic or diagnostic procedure. It has "
        "been associated with subcutaneous injection of calcium-containing heparins, extravasation of calcium "
        "gluconate and use of calcium-containing electrode compounds for electromyographic or "
        "electroencephalographic examination.",
        3,
        "",
    ),
    (
        "idiopathic-defined",
        "Idiopathic calcinosis cutis occurs with no known tissue injury and no systemic metabolic defect.",
        "Idiopathic calcinosis cutis occurs in the absence of known tissue injury or systemic metabolic defect.",
        None,
        "",
    ),
    (
        "dystrophic-defined",
        "Dystrophic calcinosis is the most commonly described form. Its causes include connective tissue "
        "diseases, infection, other inflammatory processes, chronic venous stasis, cutaneous neoplasm, trauma "
        "and inherited disorders.",
        "Finally, the dystrophic form is the most commonly described. " + DYSTROPHIC_CAUSES,
        None,
        "",
    ),
    (
        "normal-labs-against-metastatic",
        "Our reading of the report, not its words: her serum calcium and phosphate were within normal limits, "
        "which argues against metastatic calcinosis, since the report relates metastatic calcification to "
        "abnormal calcium or phosphate metabolism, generally with hypercalcaemia and/or hyperphosphataemia.",
        LABORATORY + GAP + METASTATIC,
        None,
        "",
    ),
    (
        "mctd-is-a-cause",
        "She has mixed connective tissue disease, and connective tissue diseases are among the conditions the "
        "report lists as causes of dystrophic calcinosis.",
        PRESENTATION + GAP + DYSTROPHIC_CAUSES,
        None,
        "",
    ),
    (
        "mctd-makes-it-dystrophic",
        "Connective tissue disease is a cause of dystrophic calcinosis. With no predisposing condition other "
        "than mixed connective tissue disease, the authors classified her calcinosis as dystrophic, related "
        "to that disease.",
        DYSTROPHIC_CAUSES + GAP + CLASSIFICATION,
        None,
        "",
    ),
    (
        "rheumatoid-nodules-unlikely",
        "Rheumatoid nodules were very unlikely: she met none of the other diagnostic criteria for rheumatoid "
        "arthritis, her rheumatoid factor was within normal limits, and almost all people who form "
        "rheumatoid nodules have a positive rheumatoid factor test.",
        RHEUMATOID + GAP + LABORATORY,
        None,
        "",
    ),
    (
        "rheumatoid-nodules-not-calcified",
        "Rheumatoid nodules usually appear as non-calcified subcutaneous masses; her nodules were calcified "
        "on the radiographs.",
        "In addition, these nodules usually appear as non-calcified subcutaneous masses." + GAP + RADIOGRAPHS,
        None,
        "",
    ),
    (
        "authors-argument",
        "The authors' argument runs from the painless nodules found on examination, to the soft-tissue "
        "calcified masses on the radiographs, to the absence of any predisposing condition other than mixed "
        "connective tissue disease, and ends in dystrophic calcinosis related to that disease.",
        EXAMINATION + GAP + RADIOGRAPHS + GAP + CLASSIFICATION,
        None,
        "",
    ),
    (
        "mechanism-unclear",
        "The exact mechanism of dystrophic calcinosis is unclear; local inflammation may play a part.",
        "The exact mechanism remains unclear although local inflammation may have a role in its pathogenesis.",
        4,
        "",
    ),
    (
        "treatment-marginal",
        "Treatment of calcinosis cutis in this setting has only marginal benefit; diltiazem and aluminium "
        "hydroxide antacids have been used.",
        "Treatment of calcinosis cutis in this setting have only marginal benefit, diltiazem and aluminum "
        "hydroxide antacids having been used.",
        4,
        "",
    ),
    (
        "treat-underlying-disorder",
        "Early, effective management of the underlying disorder could reduce the development of calcinosis.",
        "However, early, effective management of the underlying disorder could reduce the development of such "
        "abnormality.",
        None,
        "",
    ),
]

_ILLUSTRATION = "Drawn after the report; not the patient’s image."
FIGURE_SOURCE = "Drawn for this site after the description of Figure 1 in the source report"
FIGURE_LICENCE = "Drawn for this site; free to reuse for teaching"

# label -> (position, modality, body site, caption, alt text). Captions quote the report's figure legend.
FIGURES = [
    (
        "1A",
        1,
        "clinical_photograph",
        "Left elbow",
        f"Appearance of the left elbow on clinical examination. {_ILLUSTRATION}",
        "Drawing of a bent left elbow seen from behind, with several rounded, pale yellow-white nodules "
        "under the skin over the point of the elbow. A banner reads: schematic illustration, not the "
        "patient's image.",
    ),
    (
        "1B",
        2,
        "clinical_photograph",
        "Right knee",
        f"Appearance of the right knee on clinical examination; note a large deposit breaking through the "
        f"skin. {_ILLUSTRATION}",
        "Drawing of a right knee from the front, with pale nodules under the skin and one large chalky "
        "white deposit breaking through the skin, surrounded by a red rim. A banner reads: schematic "
        "illustration, not the patient's image.",
    ),
    (
        "1C",
        3,
        "radiograph",
        "Left elbow",
        f"Left elbow radiograph. {_ILLUSTRATION}",
        "Drawing in the style of a radiograph of the elbow: grey bones of the upper arm and forearm on a "
        "dark background, with several bright white, irregular masses in the soft tissue around the "
        "elbow, separate from the bones. A banner reads: schematic illustration, not the patient's "
        "radiograph.",
    ),
    (
        "1D",
        4,
        "radiograph",
        "Right knee",
        f"Right knee radiograph. {_ILLUSTRATION}",
        "Drawing in the style of a radiograph of the knee: grey femur, tibia, fibula and kneecap on a dark "
        "background, with several bright white, irregular masses in the soft tissue around the knee, "
        "separate from the bones. A banner reads: schematic illustration, not the patient's radiograph.",
    ),
]

# label -> a text alternative that names the image without its findings, used while a quiz question asks
# the learner to find them (WCAG 1.1.1 allows this for tests); the descriptive one above comes afterwards.
ASSESSED_ALT_TEXTS = {
    "1C": "Drawing in the style of a radiograph of the left elbow (an illustration, not the patient's radiograph).",
    "1D": "Drawing in the style of a radiograph of the right knee, seen from the front (an illustration, not the "
    "patient's radiograph).",
}
