package dev.genloom.plugins.tts;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Sentence and clause splitting keeps every word and mark, in order. */
class SentencesTest {

    static List<String> words(String s) {
        return Arrays.asList(s.strip().split("\\s+"));
    }

    @Test
    void sentencesEndAtFullStopsQuestionAndExclamationMarksAndLineBreaks() {
        String text = "  Hello there.  How are you?\"Quoted\" words stay! Pi is 3.14 (roughly).\nNew line\n\nand more";
        List<String> s = Sentences.split(text);
        assertEquals(List.of("Hello there.", "How are you?\"Quoted\" words stay!", "Pi is 3.14 (roughly).", "New line", "and more"), s);
        assertEquals(words(text.replace("\n", " ")), words(String.join(" ", s)));
    }

    @Test
    void closingQuotesStayWithTheirSentence() {
        assertEquals(List.of("He said \"stop!\"", "Then left."), Sentences.split("He said \"stop!\" Then left."));
        assertEquals(List.of("Wait...", "what?!"), Sentences.split("Wait... what?!"));
    }

    @Test
    void clausesEndAtCommasColonsAndSemicolonsToo() {
        assertEquals(List.of("Hello,", "world;", "one:", "two."), Sentences.clauses("Hello, world; one: two."));
        assertEquals(List.of("3,5 and 3.5 stay"), Sentences.clauses("3,5 and 3.5 stay"));
    }

    @Test
    void blankTextHasNoSentences() {
        assertEquals(List.of(), Sentences.split(" \n\t "));
    }
}
