"""A small corpus with three obvious topics, shared by the clustering and label tests."""
from __future__ import annotations

import numpy as np

TOPICS = {
    "sport": [
        "The striker scored a late goal and the football team won the match.",
        "Fans cheered as the team won the football final at the stadium.",
        "The goalkeeper saved a penalty in the second half of the match.",
        "The coach praised the team after the league match.",
        "A brilliant goal from the striker sealed the league title.",
        "The football club signed a new striker before the season.",
        "The team trained at the stadium before the cup match.",
        "The referee sent off a defender late in the football match.",
        "The captain lifted the cup after the team won the final.",
        "Injury kept the striker out of the team for the match.",
    ],
    "weather": [
        "Heavy rain and strong wind are forecast for the weekend.",
        "The storm brought heavy rain and flooding to the coast.",
        "Snow and freezing temperatures are forecast for the mountains.",
        "Forecasters warned of thunderstorms and heavy rain overnight.",
        "A heatwave pushed temperatures to record highs this week.",
        "Strong wind and rain battered the coast during the storm.",
        "The forecast shows sunshine after the morning rain.",
        "Flooding followed days of heavy rain across the valley.",
        "Temperatures will drop as snow and wind sweep in.",
        "The storm warning covers wind, rain and hail.",
    ],
    "finance": [
        "The central bank raised interest rates to curb inflation.",
        "Shares fell as investors worried about inflation and rates.",
        "The bank reported higher profits and raised its dividend.",
        "Investors bought shares after the bank cut interest rates.",
        "Inflation data pushed bond yields and interest rates higher.",
        "The stock market rallied as bank shares gained.",
        "Investors sold shares when the central bank signalled higher rates.",
        "Rising inflation squeezed profits at the bank.",
        "The dividend lifted shares of the bank on the stock market.",
        "Bond investors expect the central bank to cut rates.",
    ],
}
VOCABULARY = {
    "sport": {"striker", "goal", "football", "team", "match", "stadium", "league", "goalkeeper", "penalty", "coach",
              "final", "cup", "club", "referee", "captain", "season", "fans", "won"},
    "weather": {"rain", "wind", "storm", "snow", "forecast", "flooding", "temperatures", "heavy", "coast", "heatwave",
                "thunderstorms", "forecasters", "hail", "sunshine", "freezing", "overnight"},
    "finance": {"bank", "rates", "interest", "inflation", "shares", "investors", "profits", "dividend", "stock",
                "market", "central", "bond", "yields", "rallied", "higher"},
}


def corpus() -> tuple[list[str], np.ndarray, list[str]]:
    """(texts, topic id per text, topic names)."""
    names = list(TOPICS)
    texts = [t for name in names for t in TOPICS[name]]
    topics = np.repeat(np.arange(len(names)), [len(TOPICS[n]) for n in names])
    return texts, topics, names


def tfidf_vectors(texts: list[str]) -> np.ndarray:
    """Unit TF-IDF vectors (English stop words removed): topics separate cleanly."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(stop_words="english").fit_transform(texts).toarray().astype(np.float32)
