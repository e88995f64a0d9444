// Runs Apache Solr from its Maven Central artifacts (there is no Solr package in Debian).
// JettySolrRunner binds 127.0.0.1 only. Usage: java -cp <jars> SolrLauncher.java SOLR_HOME PORT
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

public class SolrLauncher {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: SolrLauncher SOLR_HOME PORT");
            System.exit(2);
        }
        JettyConfig config = JettyConfig.builder()
                .setPort(Integer.parseInt(args[1]))
                .setContext("/solr")
                .stopAtShutdown(true)
                .build();
        JettySolrRunner solr = new JettySolrRunner(args[0], config);
        solr.start();
        if (solr.getLocalPort() != Integer.parseInt(args[1])) {
            System.err.println("Solr bound port " + solr.getLocalPort() + " instead of " + args[1]);
            solr.stop();
            System.exit(1);
        }
        System.out.println("Solr listening on " + solr.getBaseUrl());
        Thread.currentThread().join();
    }
}
